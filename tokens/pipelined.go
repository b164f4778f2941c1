package tokens

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"ginrest/models"
)

// rotatePipelined is Rotate's usual rotation (old is the newest token of the session its
// tail names, and is blacklisted) on PostgreSQL in one round trip instead of five: the
// statements of the transaction, each made to do nothing unless the session's update
// happened, and a check that rolls them all back unless each did its part
// (models.Pipeline). Every statement runs as it does in Rotate's transaction, with a
// snapshot of its own after the session's row is locked, so the guard and the blacklist's
// conflict see what committed before them. done is false, with nothing written, when the
// rotation is not the usual one or a statement refused it: Rotate's transaction then
// decides, as it always has.
func (f *Families) rotatePipelined(ctx context.Context, old, next *Token, tail string, userID int64, guard *models.User, now time.Time, c Client) (done bool, err error) {
	bl := f.Blacklist
	oldJTI, nextJTI, expires := bl.Backend.JTI(old), bl.Backend.JTI(next), bl.Backend.ExpiresAt(next).UTC()
	record := models.Step{Raw: pipelinedRecord, Args: []any{userID, nextJTI, next.Raw, now, expires, tail, nextJTI}}
	if guard != nil {
		record = models.Step{Raw: pipelinedRecordGuarded, Args: append(record.Args, models.UserUnchangedArgs(guard)...)}
	}
	steps := []models.Step{
		{Raw: rotateNewest, Args: []any{now, expires, c.UserAgent, c.IP, nextJTI, tail, userID, oldJTI}},
		{Raw: pipelinedBlacklist, Args: []any{now, oldJTI, tail, nextJTI}},
		record,
	}
	check := models.Step{Raw: pipelinedCheck, Args: []any{tail, nextJTI, nextJTI, oldJTI}}
	rotated, err := models.Pipeline(ctx, bl.DB, steps, check)
	if pgErr := (*pgconn.PgError)(nil); errors.Is(err, models.ErrUndone) || errors.As(err, &pgErr) {
		return false, nil // rolled back: the transaction finds out why
	}
	return rotated == 1, err
}

// The statements of rotatePipelined: Rotate's, each conditional on the session's newest
// token being next, which only the first one's update makes it.
var (
	pipelinedBlacklist = models.NewRaw(`INSERT INTO "token_blacklist_blacklistedtoken" ("token_id", "blacklisted_at")
	SELECT "id", ? FROM "token_blacklist_outstandingtoken" WHERE "jti" = ?
	AND EXISTS (SELECT 1 FROM "ginrest_session" WHERE "id" = ? AND "newest_jti" = ?)
	ON CONFLICT ("token_id") DO NOTHING`)
	pipelinedRecordSQL = `INSERT INTO "token_blacklist_outstandingtoken" ("user_id", "jti", "token", "created_at", "expires_at")
	SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM "ginrest_session" WHERE "id" = ? AND "newest_jti" = ?)`
	pipelinedRecord        = models.NewRaw(pipelinedRecordSQL)
	pipelinedRecordGuarded = models.NewRaw(pipelinedRecordSQL + ` AND ` + models.UserUnchanged)
	// 0: the session's newest token is not next, so nothing was written. Otherwise next must
	// be recorded and old blacklisted by this transaction (age(xmin) = 0: a row of another
	// means old was blacklisted already, by a logout, say), or the division by zero undoes
	// the lot.
	pipelinedCheck = models.NewRaw(`SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM "ginrest_session" WHERE "id" = ? AND "newest_jti" = ?) THEN 0
	ELSE 1 / (CASE WHEN EXISTS (SELECT 1 FROM "token_blacklist_outstandingtoken" WHERE "jti" = ?)
	AND EXISTS (SELECT 1 FROM "token_blacklist_blacklistedtoken"
		JOIN "token_blacklist_outstandingtoken" ON "token_blacklist_outstandingtoken"."id" = "token_blacklist_blacklistedtoken"."token_id"
		WHERE "token_blacklist_outstandingtoken"."jti" = ? AND age("token_blacklist_blacklistedtoken"."xmin") = 0)
	THEN 1 ELSE 0 END) END`)
)
