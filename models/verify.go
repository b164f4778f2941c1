package models

// checker is a PasswordHasher that can tell a hash it would compare (by hashing the
// password) from one it refuses at no cost: an unusable password, a foreign format.
type checker interface{ Checkable(encoded string) bool }

// verify is Django's check_password (verify_password since 4.2.14) on a stored hash: Check,
// and for a refusal the same hashing work as any other failure, so that the time a
// refusal takes tells nothing about the account:
//   - a hash that cannot be compared at all (an unusable "!" password, as a user created
//     without one has, or a hash of another format) costs one hash at the configured
//     iterations, Django's fix of CVE-2024-39329;
//   - a wrong password against an older, cheaper hash costs the difference (hardenRuntime).
func verify(h PasswordHasher, password, encoded string, iterations int) (ok, mustUpdate bool) {
	if c, isChecker := h.(checker); isChecker && !c.Checkable(encoded) {
		h.Dummy(password, iterations)
		return false, false
	}
	ok, mustUpdate = h.Check(password, encoded, iterations)
	if !ok {
		hardenRuntime(h, password, encoded, iterations)
	}
	return ok, mustUpdate
}
