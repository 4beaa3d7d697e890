package merge

// DamageStoredEvents replaces the stored encoding of every event the state
// holds only as its encoding by bytes that do not decode (as a fault of
// the encoder would leave them, the checksum matching), and says how many
// it damaged.
func DamageStoredEvents(s *State) int {
	n := 0
	for k := range s.evs {
		if e := &s.evs[k]; e.live && !e.have() && e.raw != "" {
			e.raw = "\xff"
			n++
		}
	}
	return n
}

// ScribbleReused makes every Update (and NewState) overwrite each field of
// the event array it reuses before writing its timeline into it (see
// reusedEvents), until the returned function is called: a test still
// reading a timeline the state returned before reads poison. Tests using it
// must not run in parallel.
func ScribbleReused() (restore func()) {
	scribbleReused = true
	return func() { scribbleReused = false }
}

// PredecodeOff turns the predecoder (predecode.go) off until the returned
// function is called. Tests using it must not run in parallel.
func PredecodeOff() (restore func()) {
	predecodeOn = false
	return func() { predecodeOn = true }
}

// StemNoteChunk makes loadStems note n entries a chunk until the returned
// function is called. Tests using it must not run in parallel.
func StemNoteChunk(n int) (restore func()) {
	old := stemNoteChunk
	stemNoteChunk = n
	return func() { stemNoteChunk = old }
}
