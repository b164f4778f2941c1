package tokens

// Remembered reports whether the verified-token memory holds raw (tests only).
func (b *Backend) Remembered(raw string) bool {
	_, ok := b.verified.Get(raw)
	return ok
}
