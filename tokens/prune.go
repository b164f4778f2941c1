package tokens

import (
	"context"
	"log/slog"
	"time"
)

// Pruner deletes what has expired, in the background (TOKEN_PRUNE_INTERVAL): outstanding
// and blacklisted tokens, as flushexpiredtokens does, and the sessions whose tokens have
// all expired. A token version is never pruned: it outlives every token.
type Pruner struct {
	Blacklist *Blacklist
	Families  *Families // nil: no sessions to prune
	Logger    *slog.Logger
}

// Prune deletes what expired before now and says how many tokens and sessions went.
func (p *Pruner) Prune(ctx context.Context, now time.Time) (tokens, sessions int64, err error) {
	if tokens, err = p.Blacklist.FlushExpired(ctx, now); err != nil {
		return tokens, 0, err
	}
	if p.Families != nil {
		sessions, err = p.Families.PruneSessions(ctx, now)
	}
	return tokens, sessions, err
}

// Run prunes at every tick until ctx ends; a failed pass is logged and the next tick tries
// again. runserver feeds it a time.Ticker's channel; tests feed it ticks by hand.
func (p *Pruner) Run(ctx context.Context, ticks <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			tokens, sessions, err := p.Prune(ctx, p.Blacklist.Backend.Now())
			switch {
			case err != nil && ctx.Err() == nil:
				p.Logger.ErrorContext(ctx, "pruning expired tokens failed", "error", err)
			case tokens > 0 || sessions > 0:
				p.Logger.InfoContext(ctx, "pruned expired tokens", "tokens", tokens, "sessions", sessions)
			}
		}
	}
}
