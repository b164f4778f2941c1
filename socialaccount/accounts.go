package socialaccount

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ginrest/hashers"
	"ginrest/models"
	"ginrest/rest"
	"ginrest/serializers"
)

// Accounts finds the user of a verified identity, in socialaccount_socialaccount.
type Accounts struct {
	DB    *gorm.DB
	Users *models.Users
	// Now stamps the links' last_login and date_joined; nil is time.Now.
	Now func() time.Time
}

// The refusals of an identity with no user, all 401 as a wrong password is.
const (
	MsgEmailNotVerified = "The identity provider has not verified this email address."
	MsgDomainNotAllowed = "Accounts of this email domain cannot log in here."
	MsgNoAccount        = "No account is linked to this identity."
	MsgEmailAmbiguous   = "More than one account has this email address."
)

func (a *Accounts) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

// UserFor is the user of id: the one linked to (issuer, subject); else, for a verified
// email in a domain p trusts, the user with that email, now linked; else, when p may
// create users, a new user, linked. Whether the user is active is the caller's question.
func (a *Accounts) UserFor(ctx context.Context, p *Provider, id *Identity) (*models.User, error) {
	db := a.DB.WithContext(ctx)
	var link models.SocialAccount
	err := db.Where("provider = ? AND uid = ?", id.Issuer, id.Subject).Take(&link).Error
	if err == nil {
		// Every login refreshes what allauth keeps of the identity.
		if err := db.Model(&link).Updates(map[string]any{"last_login": a.now(), "extra_data": string(id.Claims)}).Error; err != nil {
			return nil, err
		}
		return a.user(ctx, link.UserID)
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	// Linking by email hands an existing account to whoever the provider vouches for:
	// only a verified address, only of a domain whose provider is trusted with it.
	if id.Email == "" || !id.EmailVerified {
		return nil, rest.AuthenticationFailed(MsgEmailNotVerified)
	}
	if !slices.Contains(p.AllowedDomains, id.Domain()) {
		return nil, rest.AuthenticationFailed(MsgDomainNotAllowed)
	}
	var users []models.User
	if err := db.Where(`UPPER("email") = UPPER(?)`, id.Email).Limit(2).Find(&users).Error; err != nil {
		return nil, err
	}
	var user *models.User
	switch {
	case len(users) > 1:
		return nil, rest.AuthenticationFailed(MsgEmailAmbiguous)
	case len(users) == 1:
		user = &users[0]
	case !p.CreateUsers:
		return nil, rest.AuthenticationFailed(MsgNoAccount)
	default:
		if user, err = a.create(ctx, id); err != nil {
			return nil, err
		}
	}
	now := a.now()
	link = models.SocialAccount{Provider: id.Issuer, UID: id.Subject, LastLogin: now, DateJoined: now, ExtraData: string(id.Claims), UserID: user.ID}
	if err := db.Create(&link).Error; err != nil {
		// Two first logins of one identity at once: the unique (provider, uid) lets one
		// link in; the other logs in as the user it linked.
		var won models.SocialAccount
		if db.Where("provider = ? AND uid = ?", id.Issuer, id.Subject).Take(&won).Error == nil {
			return a.user(ctx, won.UserID)
		}
		return nil, err
	}
	return user, nil
}

// user is the linked user; one deleted meanwhile is refused as a login of no account.
func (a *Accounts) user(ctx context.Context, id int64) (*models.User, error) {
	user, err := a.Users.ByID(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, rest.AuthenticationFailed(MsgNoAccount)
	}
	return user, err
}

// Django's auth_user column widths: what the provider says is cut to fit them, since
// PostgreSQL refuses a longer value (a 500), and a provider's claims are anyone's input.
const (
	maxUsername = 150 // username, first_name, last_name
	maxEmail    = 254
	suffixLen   = 9 // "-" and 8 hex digits
)

// create makes the user of an identity, with an unusable password (they log in through
// the provider) and the email as username, or the email and a random suffix when taken;
// each cut to its column.
func (a *Accounts) create(ctx context.Context, id *Identity) (*models.User, error) {
	email := id.Email
	if len(email) > maxEmail {
		email = "" // no address fits: the user has none, as a Django user may
	}
	base := cut(id.Email, maxUsername-suffixLen)
	user := &models.User{Username: cut(id.Email, maxUsername), Email: email,
		FirstName: cut(id.GivenName, maxUsername), LastName: cut(id.FamilyName, maxUsername), IsActive: true}
	err := a.Users.Create(ctx, user, "")
	if errors.Is(err, models.ErrUsernameExists) {
		suffix := make([]byte, 4)
		_, _ = rand.Read(suffix)
		user.Username = base + "-" + hex.EncodeToString(suffix)
		err = a.Users.Create(ctx, user, "")
	}
	if err != nil {
		return nil, err
	}
	return user, nil
}

// cut is s in at most n characters (Django counts characters; PostgreSQL's varchar(n) too).
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// Link is one of a user's identities, as GET /api/auth/identities/ shows it: allauth's
// SocialAccount fields.
type Link struct {
	ID int64 `json:"id"`
	// Provider is the name of the configured provider of the identity's issuer; null when
	// no provider of OIDC_PROVIDERS has that issuer any more.
	Provider *string `json:"provider"`
	// Issuer and UID are the stored provider and uid columns: the identity's iss and sub.
	Issuer string `json:"issuer"`
	UID    string `json:"uid"`
	// Email is the email claim of the identity's last login; empty for none.
	Email string `json:"email"`
	// Times are rendered as DRF's DateTimeField does (ISO 8601, microseconds, Z).
	LastLogin  string `json:"last_login"`
	DateJoined string `json:"date_joined"`
}

// MsgLastLogin refuses to unlink the only way a user without a password signs in:
// allauth's validate_disconnect words.
const MsgLastLogin = "Your account has no password set up."

// ErrNoLink: the user has no identity of that id.
var ErrNoLink = errors.New("socialaccount: no such identity")

// Links are the user's identities, oldest first; providers name them.
func (a *Accounts) Links(ctx context.Context, userID int64, providers []*Provider) ([]Link, error) {
	var rows []models.SocialAccount
	if err := a.DB.WithContext(ctx).Where("user_id = ?", userID).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Link, len(rows))
	for i, row := range rows {
		var claims struct {
			Email string `json:"email"`
		}
		_ = json.Unmarshal([]byte(row.ExtraData), &claims) // extra_data a Django service wrote may be anything
		out[i] = Link{ID: row.ID, Issuer: row.Provider, UID: row.UID, Email: claims.Email,
			LastLogin: serializers.FormatDateTime(row.LastLogin.UTC()), DateJoined: serializers.FormatDateTime(row.DateJoined.UTC())}
		for _, p := range providers {
			if p.Issuer == row.Provider {
				out[i].Provider = &p.Name
				break
			}
		}
	}
	return out, nil
}

// Unlink removes one of the user's identities, unless it is the only way they sign in:
// no usable password and no other identity (allauth's validate_disconnect), a 400. Another
// user's identity, or none, is ErrNoLink.
func (a *Accounts) Unlink(ctx context.Context, userID, linkID int64) error {
	return models.Transaction(ctx, a.DB, func(tx *gorm.DB) error {
		// Two unlinks of a user's last two identities at once must not both pass the check:
		// the user's row is locked first (SQLite runs the transaction alone anyway).
		q := tx
		if tx.Dialector.Name() == "postgres" {
			q = tx.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var user models.User
		if err := q.Where("id = ?", userID).Take(&user).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNoLink
			}
			return err
		}
		var link models.SocialAccount
		err := tx.Where("id = ? AND user_id = ?", linkID, userID).Take(&link).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNoLink
		}
		if err != nil {
			return err
		}
		if !hashers.IsUsable(user.Password) {
			var others int64
			if err := tx.Model(&models.SocialAccount{}).Where("user_id = ? AND id <> ?", userID, linkID).Count(&others).Error; err != nil {
				return err
			}
			if others == 0 {
				return rest.ValidationError(map[string]any{rest.NonFieldErrors: []string{MsgLastLogin}})
			}
		}
		return tx.Delete(&link).Error
	})
}
