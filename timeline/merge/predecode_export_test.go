package merge

// AdoptOff makes Updates copy the predecoded events into an array of their
// own instead of adopting the predecoder's (adopt) until the returned
// function is called. Tests using it must not run in parallel.
func AdoptOff() (restore func()) {
	adoptOn = false
	return func() { adoptOn = true }
}

// AdoptMoves returns how many events the state's last adopting Update moved
// left and right in the adopted array.
func AdoptMoves(s *State) (left, right int) { return s.adoptMoves[0], s.adoptMoves[1] }
