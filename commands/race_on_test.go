//go:build race

package commands_test

// raceEnabled: the race detector adds nothing to a test whose work is a go build in a
// subprocess, so the slow startapp test runs in the suite's other passes only.
const raceEnabled = true
