package merge

// DamageStoredEvents replaces the stored encoding of every event the state
// holds only as its encoding by bytes that do not decode (as a fault of
// the encoder would leave them, the checksum matching), and says how many
// it damaged.
func DamageStoredEvents(s *State) int {
	n := 0
	for k := range s.evs {
		if e := &s.evs[k]; e.live && !e.have && e.raw != "" {
			e.raw = "\xff"
			n++
		}
	}
	return n
}
