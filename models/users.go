package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"ginrest/cache"
	"ginrest/hashers"
	"ginrest/rest"
)

// ErrNotFound is returned for a user that does not exist.
var ErrNotFound = errors.New("user not found")

// Users is the user store: django.contrib.auth's ModelBackend and the password methods of
// AbstractBaseUser, over one database.
type Users struct {
	DB *gorm.DB
	// Iterations is PASSWORD_ITERATIONS: new hashes use it.
	Iterations int
	// RehashBelow is PASSWORD_REHASH_BELOW: a hash with fewer iterations (and fewer than
	// Iterations) is re-hashed at Iterations at the next successful login; any other is
	// left as it is, whatever its count. So a login never lowers a count, and never
	// rewrites the hash of a Django service on the same database that hashes at its own
	// count and rewrites at its logins (Django re-hashes any count not its own): the two
	// never ping-pong. 0 means Iterations (re-hash every weaker hash).
	RehashBelow int
	// WatchPasswords is TOKEN_VERSION_CHECK's side for passwords changed outside ginrest
	// (a Django service on the same database): see watch.
	WatchPasswords bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Hasher makes and checks password hashes; nil means Django's pbkdf2_sha256
	// (package hashers). Tests count its work to show that every failed login costs the same.
	Hasher PasswordHasher
	// Hashing runs every password hash Users makes (logins, SetPassword, Create) a few at
	// a time, in arrival order, so that a burst of logins is answered first come, first
	// served instead of all late together. nil means a queue of runtime.GOMAXPROCS(0)
	// workers bounded by HashingTimeout, built at first use. Set it before the first hash.
	Hashing *hashers.Queue
	// HashingTimeout is PASSWORD_HASHING_QUEUE_TIMEOUT, the bound of the default Hashing
	// queue: a hash that would wait longer is refused with a 503 and Retry-After. 0 never
	// refuses (the CPU bound and the order still hold).
	HashingTimeout time.Duration
	// CacheTTL is how long ForRequest may serve a user from memory (USER_CACHE_TTL);
	// zero loads the user from the database on every request, as simplejwt does.
	CacheTTL time.Duration

	cacheOnce sync.Once
	cache     *cache.TTL[int64, User]
	// cacheMu orders what loads store in the cache against forget; cacheGen counts forgets,
	// so that a load that began before a forget does not store what it read.
	cacheMu  sync.Mutex
	cacheGen uint64

	hashingOnce sync.Once
	hashing     *hashers.Queue

	byID, byUsername ReadStmt
}

var (
	userByID       = NewRaw(`SELECT ` + userColumns + `, ` + tokenVersionColumn + ` FROM "auth_user" ` + tokenVersionJoin + ` WHERE "auth_user"."id" = ?`)
	userByUsername = NewRaw(`SELECT ` + userColumns + `, ` + tokenVersionColumn + ` FROM "auth_user" ` + tokenVersionJoin + ` WHERE "auth_user"."username" = ?`)
)

func (u *Users) now() time.Time {
	if u.Now != nil {
		return u.Now()
	}
	return time.Now()
}

// userColumns are auth_user's columns in the order scan reads them.
const userColumns = `"id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active", "date_joined"`

// A user is loaded joined to its token version, so that loading the user loads it.
const (
	tokenVersionColumn = `COALESCE("ginrest_token_version"."version", 0) AS "token_version", "ginrest_token_version"."changed_at" AS "tokens_revoked_at", ` +
		`"ginrest_token_version"."password_md5" AS "password_seen", "ginrest_token_version"."rehashed_from_md5" AS "rehashed_from"`
	tokenVersionJoin = `LEFT JOIN "ginrest_token_version" ON "ginrest_token_version"."user_id" = "auth_user"."id"`
)

// PasswordHasher is Django's password hasher protocol, the part Users needs.
type PasswordHasher interface {
	Make(password string, iterations int) (string, error)
	Check(password, encoded string, iterations int) (ok, mustUpdate bool)
	// Dummy does the work of one hash and discards it.
	Dummy(password string, iterations int)
}

// PBKDF2 is Django's PBKDF2PasswordHasher, the default PasswordHasher.
type PBKDF2 struct{}

func (PBKDF2) Make(password string, iterations int) (string, error) {
	return hashers.Make(password, iterations)
}

func (PBKDF2) Check(password, encoded string, iterations int) (bool, bool) {
	return hashers.Check(password, encoded, iterations)
}

func (PBKDF2) Dummy(password string, iterations int) { hashers.Dummy(password, iterations) }

// Checkable is whether Check hashes to compare with encoded (hashers.Checkable).
func (PBKDF2) Checkable(encoded string) bool { return hashers.Checkable(encoded) }

func (u *Users) hasher() PasswordHasher {
	if u.Hasher != nil {
		return u.Hasher
	}
	return PBKDF2{}
}

func (u *Users) queue() *hashers.Queue {
	if u.Hashing != nil {
		return u.Hashing
	}
	u.hashingOnce.Do(func() { u.hashing = hashers.NewQueue(u.HashingTimeout) })
	return u.hashing
}

// HashingQueue is the queue every password hash runs in (Hashing, or the default one), for
// monitoring its Stats.
func (u *Users) HashingQueue() *hashers.Queue { return u.queue() }

// hash runs f, the hashing part of one operation, in the hashing queue. A refusal becomes
// a 503 whose Retry-After is the estimated wait; an ended ctx, its error.
func (u *Users) hash(ctx context.Context, f func()) error {
	err := u.queue().Do(ctx, f)
	if busy, ok := errors.AsType[*hashers.BusyError](err); ok {
		return rest.Unavailable(err, busy.Wait)
	}
	return err
}

// ByID loads a user by primary key. Every authenticated request calls it, as simplejwt
// loads the user on every request, so it bypasses the ORM: one statement prepared once,
// scanned straight into the struct.
func (u *Users) ByID(ctx context.Context, id int64) (*User, error) {
	return u.scan(ctx, u.byID.QueryRow(ctx, u.DB, userByID, id))
}

// ByUsername loads a user by exact, case-sensitive username, as Django's get_by_natural_key.
// Every login calls it, so it bypasses the ORM too: through gorm it made 16.8 kB of garbage
// per login, and now 9 kB.
func (u *Users) ByUsername(ctx context.Context, username string) (*User, error) {
	return u.scan(ctx, u.byUsername.QueryRow(ctx, u.DB, userByUsername, username))
}

func (u *Users) scan(ctx context.Context, row *sql.Row) (*User, error) {
	var user User
	err := row.Scan(&user.ID, &user.Password, &user.LastLogin, &user.IsSuperuser,
		&user.Username, &user.FirstName, &user.LastName, &user.Email, &user.IsStaff, &user.IsActive, &user.DateJoined, &user.TokenVersion, &user.TokensRevokedAt,
		&user.PasswordSeen, &user.RehashedFrom)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &user, u.watch(ctx, &user)
}

// Authenticate is Django's authenticate() with ModelBackend: the active user whose password
// matches, or nil. Whether the username exists, or has a usable password, does not change
// the time it takes: an unknown user costs one hash, as a wrong password does (verify).
//
// A login's hashing takes one turn of the hashing queue, re-hash included, so a login let
// in is not refused halfway; it may be refused before any hash (rest.Unavailable).
func (u *Users) Authenticate(ctx context.Context, username, password string) (*User, error) {
	// Stored usernames are normalised (Create), so the one typed is too: "ａlice" is alice.
	user, err := u.ByUsername(ctx, NormalizeUsername(username))
	if errors.Is(err, ErrNotFound) {
		return nil, u.hash(ctx, func() { u.hasher().Dummy(password, u.Iterations) })
	}
	if err != nil {
		return nil, err
	}
	var ok bool
	var rehashed string
	var rehashErr error
	err = u.hash(ctx, func() {
		h := u.hasher()
		var mustUpdate bool
		ok, mustUpdate = verify(h, password, user.Password, u.Iterations)
		if ok && mustUpdate && user.IsActive && u.mustRehash(user.Password) {
			rehashed, rehashErr = h.Make(password, u.Iterations)
		}
	})
	if err != nil {
		return nil, err
	}
	if !ok || !user.IsActive { // ModelBackend.user_can_authenticate, after the hash, for the same time
		return nil, nil
	}
	if rehashErr != nil {
		return nil, rehashErr
	}
	if rehashed != "" { // stored after the turn: the queue holds CPUs, never the database
		if err := u.storePassword(ctx, user, rehashed, user.Password); err != nil {
			return nil, err
		}
	}
	return user, nil
}

// mustRehash is ginrest's must_update on a hash its hasher matched and would update: only
// a pbkdf2 hash weaker than both RehashBelow and Iterations (a hash of another format the
// hasher asked to update, always).
func (u *Users) mustRehash(encoded string) bool {
	n, ok := hashers.IterationsOf(encoded)
	if !ok {
		return true
	}
	below := u.Iterations
	if u.RehashBelow > 0 && u.RehashBelow < below {
		below = u.RehashBelow
	}
	return n < below
}

// hardenRuntime is Django's PBKDF2PasswordHasher.harden_runtime: a wrong password against
// a hash with fewer iterations than configured costs the difference, so the age of a
// user's hash does not show in the time a failed login takes.
func hardenRuntime(h PasswordHasher, password, encoded string, iterations int) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 4 {
		return
	}
	var stored int
	for _, c := range parts[1] {
		if c < '0' || c > '9' || stored > iterations {
			return
		}
		stored = stored*10 + int(c-'0')
	}
	if extra := iterations - stored; extra > 0 {
		h.Dummy(password, extra)
	}
}

// MakePassword is Django's make_password: a new hash of password at Iterations, made in
// its turn of the hashing queue. Hash before a transaction, never inside one: the wait
// for a turn would hold the transaction (and SQLite's write lock) open.
func (u *Users) MakePassword(ctx context.Context, password string) (string, error) {
	var encoded string
	var makeErr error
	if err := u.hash(ctx, func() { encoded, makeErr = u.hasher().Make(password, u.Iterations) }); err != nil {
		return "", err
	}
	return encoded, makeErr
}

// CheckPassword is Django's check_password on a stored user, in its turn of the hashing
// queue: whether password is the user's.
func (u *Users) CheckPassword(ctx context.Context, user *User, password string) (bool, error) {
	var ok bool
	err := u.hash(ctx, func() { ok, _ = verify(u.hasher(), password, user.Password, u.Iterations) })
	return ok, err
}

// SetPassword hashes and stores a new password.
func (u *Users) SetPassword(ctx context.Context, user *User, password string) error {
	encoded, err := u.MakePassword(ctx, password)
	if err != nil {
		return err
	}
	return u.storePassword(ctx, user, encoded, "")
}

func (u *Users) storePassword(ctx context.Context, user *User, encoded, rehashedFrom string) error {
	err := Transaction(ctx, u.DB, func(tx *gorm.DB) error { return RecordPassword(tx, user.ID, encoded, rehashedFrom, u.now()) })
	if err != nil {
		return err
	}
	u.forget(user.ID)
	user.Password = encoded
	return nil
}

// Create stores a new user with a hashed password; an empty password gives an unusable
// one, as Django's create_user(password=None) does. The username is normalised
// (NormalizeUsername) as create_user does, and refused with ErrUsernameExists when a user
// has it in any case, as Django 4.2's UserCreationForm refuses it. (Two creations of case
// variants at the same moment can both pass the check; the column's unique index still
// refuses two of the same spelling.)
func (u *Users) Create(ctx context.Context, user *User, password string) error {
	user.Username = NormalizeUsername(user.Username)
	if taken, err := u.usernameTaken(ctx, user.Username); err != nil {
		return err
	} else if taken {
		return ErrUsernameExists
	}
	if password == "" {
		user.Password = hashers.Unusable()
	} else {
		encoded, err := u.MakePassword(ctx, password)
		if err != nil {
			return err
		}
		user.Password = encoded
	}
	if user.DateJoined.IsZero() {
		user.DateJoined = u.now().UTC()
	}
	return u.DB.WithContext(ctx).Create(user).Error
}

// UpdateLastLogin stamps last_login, as Django's user_logged_in signal does.
func (u *Users) UpdateLastLogin(ctx context.Context, user *User) error {
	now := u.now().UTC()
	if err := u.DB.WithContext(ctx).Model(user).Update("last_login", now).Error; err != nil {
		return err
	}
	u.forget(user.ID)
	user.LastLogin = &now
	return nil
}

// Count is the number of users.
func (u *Users) Count(ctx context.Context) (int64, error) {
	var n int64
	err := u.DB.WithContext(ctx).Model(&User{}).Count(&n).Error
	return n, err
}

// ByClaim loads the user a token's user claim names, by the USER_ID_FIELD column (id or
// username). A claim of the wrong kind names no user.
func (u *Users) ByClaim(ctx context.Context, field string, claim any) (*User, error) {
	if field == "username" {
		switch v := claim.(type) {
		case string:
			return u.ByUsername(ctx, v)
		case json.Number:
			return u.ByUsername(ctx, string(v))
		}
		return nil, ErrNotFound
	}
	id, ok := ClaimID(claim)
	if !ok {
		return nil, ErrNotFound
	}
	return u.ByID(ctx, id)
}

// ClaimID reads a numeric user id from a claim: a JSON number or a numeric string, as
// Django's id lookup accepts. Anything else names no user (simplejwt answers a 500 there).
func ClaimID(claim any) (int64, bool) {
	var text string
	switch v := claim.(type) {
	case int64:
		return v, true
	case json.Number:
		text = string(v)
	case string:
		text = v
	default:
		return 0, false
	}
	if id, err := strconv.ParseInt(text, 10, 64); err == nil {
		return id, true
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil && f == float64(int64(f)) && f >= 1 && f < 1<<53 {
		return int64(f), true
	}
	return 0, false
}

// cachedUsers bounds the request-user cache.
const cachedUsers = 16384

// ForRequest is the user an authenticated request names: ByClaim, served from memory for
// up to CacheTTL. A user deactivated or changed elsewhere (another instance, Django) is
// seen by a request that begins CacheTTL after the change committed; changes made through
// Users (and Forget) are seen by requests that begin after them. Login never uses it. A
// refresh with rotation does, and guards the rotation's commit on the copy it used
// (UserUnchanged), so its answer is the database's all the same.
func (u *Users) ForRequest(ctx context.Context, field string, claim any) (*User, error) {
	if u.CacheTTL <= 0 || field != "id" {
		return u.ByClaim(ctx, field, claim)
	}
	id, ok := ClaimID(claim)
	if !ok {
		return nil, ErrNotFound
	}
	if user, ok := u.requestCache().Get(id); ok {
		return &user, nil // a copy: requests may not change each other's user
	}
	return u.load(ctx, id)
}

// ReloadForRequest is ForRequest reading the database whatever the cache holds, and
// caching what it read: for a request that shows the cached copy is out of date, such as
// a token issued at a token version the copy has not reached (a logout-all or password
// change through another instance).
func (u *Users) ReloadForRequest(ctx context.Context, field string, claim any) (*User, error) {
	if u.CacheTTL <= 0 || field != "id" {
		return u.ByClaim(ctx, field, claim)
	}
	id, ok := ClaimID(claim)
	if !ok {
		return nil, ErrNotFound
	}
	return u.load(ctx, id)
}

// load reads a user for the request cache and stores it there until CacheTTL after the
// read began, not after it ended: a copy read before a change committed elsewhere is never
// served CacheTTL after that commit, however long the read and this goroutine took. A
// forget while the read was in flight keeps the copy out of the cache, since it may
// predate the change the forget is for.
func (u *Users) load(ctx context.Context, id int64) (*User, error) {
	c := u.requestCache()
	u.cacheMu.Lock()
	gen := u.cacheGen
	u.cacheMu.Unlock()
	start := u.now()
	user, err := u.ByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if testHookLoaded != nil {
		testHookLoaded()
	}
	u.cacheMu.Lock()
	if gen == u.cacheGen {
		c.Set(id, *user, start.Add(u.CacheTTL))
	}
	u.cacheMu.Unlock()
	return user, nil
}

// testHookLoaded, set by tests, runs in load between the read and the store.
var testHookLoaded func()

// requestCache is the request-user cache, made at first use.
func (u *Users) requestCache() *cache.TTL[int64, User] {
	u.cacheOnce.Do(func() { u.cache = cache.New[int64, User](cachedUsers, u.now) })
	return u.cache
}

// forget drops a changed user from the request cache, and keeps loads in flight from
// storing what they read before the change. It makes the cache if need be, rather than
// read the field cacheOnce writes without synchronising with it.
func (u *Users) forget(id int64) {
	if u.CacheTTL <= 0 {
		return
	}
	c := u.requestCache()
	u.cacheMu.Lock()
	u.cacheGen++
	c.Delete(id)
	u.cacheMu.Unlock()
}
