package tokens

import (
	"context"

	"ginrest/models"
)

// Remembered reports whether the verified-token memory holds raw (tests only).
func (b *Backend) Remembered(raw string) bool {
	_, ok := b.verified.Get(raw)
	return ok
}

// RotatePipelined is rotatePipelined, the usual rotation's one round trip on PostgreSQL.
func (f *Families) RotatePipelined(ctx context.Context, old, next *Token, userID int64, guard *models.User) (bool, error) {
	tail, _ := sessionTail(f.Blacklist.Backend.JTI(old))
	return f.rotatePipelined(ctx, old, next, tail, userID, guard, f.now(), Client{UserAgent: "test"})
}
