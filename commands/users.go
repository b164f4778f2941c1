package commands

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"
	"gorm.io/gorm"

	"ginrest/models"
	"ginrest/passwords"
	"ginrest/settings"
	"ginrest/tokens"
)

// usernamePattern is Django's UnicodeUsernameValidator; the 150 characters of
// auth_user.username are counted apart. (A bounded repetition, {1,150}, would compile to
// 150 copies of the Unicode classes: 2.5 MB of heap held by every process, from start.)
var usernamePattern = regexp.MustCompile(`^[\pL\pN_.@+-]+$`)

const usernameMaxLength = 150

// validUsername checks a username as Django's UnicodeUsernameValidator, after
// normalize_username (NFKC): what is checked is what is stored.
func validUsername(name string) error {
	name = models.NormalizeUsername(name)
	if utf8.RuneCountInString(name) > usernameMaxLength || !usernamePattern.MatchString(name) {
		return errors.New("enter a valid username: at most 150 letters, digits and @/./+/-/_ characters")
	}
	return nil
}

// prompter reads answers from stdin, one line each, hiding passwords on a terminal.
type prompter struct {
	env    *Env
	reader *bufio.Reader
}

func newPrompter(env *Env) *prompter { return &prompter{env: env, reader: bufio.NewReader(env.Stdin)} }

func (p *prompter) line(prompt string) (string, error) {
	fmt.Fprint(p.env.Stdout, prompt)
	s, err := p.reader.ReadString('\n')
	if err != nil && (err != io.EOF || s == "") {
		return "", errors.New("no input: give the value as a flag, or on standard input")
	}
	return strings.TrimRight(s, "\r\n"), nil
}

func (p *prompter) secret(prompt string) (string, error) {
	if f, ok := p.env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(p.env.Stdout, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(p.env.Stdout)
		return string(b), err
	}
	return p.line(prompt)
}

// newPassword asks twice, as Django does, and refuses a blank one. It is never trimmed.
func (p *prompter) newPassword() (string, error) {
	pw, err := p.secret("Password: ")
	if err != nil {
		return "", err
	}
	again, err := p.secret("Password (again): ")
	if err != nil {
		return "", err
	}
	if pw != again {
		return "", errors.New("passwords do not match")
	}
	return checkPassword(pw)
}

// maxStdinPassword bounds what --password-stdin reads.
const maxStdinPassword = 4096

// passwordFromStdin reads the rest of stdin, less one final line break. Pass the
// prompter's reader when a prompt came first: it may have buffered the password already.
func passwordFromStdin(stdin io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(stdin, int64(maxStdinPassword+len("\r\n")+1)))
	if err != nil {
		return "", err
	}
	s := strings.TrimSuffix(string(b), "\n")
	s = strings.TrimSuffix(s, "\r")
	if len(s) > maxStdinPassword { // refused, not cut short: a cut password is not the one the user knows
		return "", fmt.Errorf("the password on standard input is longer than %d bytes", maxStdinPassword)
	}
	return checkPassword(s)
}

func checkPassword(pw string) (string, error) {
	if strings.TrimSpace(pw) == "" {
		return "", errors.New("this password may not be blank")
	}
	return pw, nil
}

func createuser(env *Env, args []string) error {
	fs := newFlags("createuser", env)
	username := fs.String("username", "", "the new user's username (required)")
	email := fs.String("email", "", "the new user's email")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	inactive := fs.Bool("inactive", false, "create the user inactive")
	staff := fs.Bool("staff", false, "give the user is_staff")
	superuser := fs.Bool("superuser", false, "give the user is_superuser and is_staff")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *username == "" {
		return usageError{errors.New("--username is required")}
	}
	password := ""
	if *fromStdin {
		var err error
		if password, err = passwordFromStdin(env.Stdin); err != nil {
			return err
		}
	}
	if err := validUsername(*username); err != nil {
		return err
	}
	st, err := openUsers(env)
	if err != nil {
		return err
	}
	defer st.close()
	user := &models.User{Username: *username, Email: *email, IsActive: !*inactive, IsStaff: *staff || *superuser, IsSuperuser: *superuser}
	if *fromStdin { // without a password the user gets an unusable one: nothing to validate
		if err := st.validators.Validate(password, user); err != nil {
			return err
		}
	}
	return st.create(env, user, password)
}

func createsuperuser(env *Env, args []string) error {
	fs := newFlags("createsuperuser", env)
	username := fs.String("username", "", "the superuser's username")
	email := fs.String("email", "", "the superuser's email")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	st, err := openUsers(env)
	if err != nil {
		return err
	}
	defer st.close()
	p := newPrompter(env)
	if *username == "" {
		if *username, err = p.line("Username: "); err != nil {
			return err
		}
	}
	if err := validUsername(*username); err != nil {
		return err
	}
	user := &models.User{Username: *username, Email: *email, IsActive: true, IsStaff: true, IsSuperuser: true}
	var password string
	if *fromStdin {
		// Nobody to ask whether to bypass the validators: a refused password is an error.
		if password, err = passwordFromStdin(p.reader); err != nil { // after the username prompt, if there was one
			return err
		}
		if err := st.validators.Validate(password, user); err != nil {
			return err
		}
	} else if password, err = p.validPassword(st.validators, user, true, 0); err != nil {
		return err
	}
	return st.create(env, user, password)
}

// userStore is what the user commands share: the settings, the database (migrated: the
// token-version table must exist, a new password revokes the user's tokens), the user
// store and AUTH_PASSWORD_VALIDATORS.
type userStore struct {
	s          *settings.Settings
	db         *gorm.DB
	users      *models.Users
	validators passwords.Validators
}

// openUsers opens the user store; the caller closes it. An unknown
// AUTH_PASSWORD_VALIDATORS class stops the command here, before anything is asked.
func openUsers(env *Env) (*userStore, error) {
	s, db, err := migrated(env)
	if err != nil {
		return nil, err
	}
	validators, err := passwords.FromNames(s.AuthPasswordValidators, nil)
	if err != nil {
		closeDB(db)
		return nil, err
	}
	users := &models.Users{DB: db, Iterations: s.PasswordIterations, HashingTimeout: s.PasswordHashingQueueTimeout}
	return &userStore{s: s, db: db, users: users, validators: validators}, nil
}

func (st *userStore) close() { closeDB(st.db) }

func (st *userStore) create(env *Env, user *models.User, password string) error {
	// Create refuses a username taken in any case (models.ErrUsernameExists), with Django's words.
	if err := st.users.Create(background(env), user, password); err != nil {
		return err
	}
	kind := "User"
	if user.IsSuperuser {
		kind = "Superuser"
	}
	fmt.Fprintf(env.Stdout, "%s %q created successfully.\n", kind, user.Username)
	return nil
}

func changepassword(env *Env, args []string) error {
	fs := newFlags("changepassword", env)
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	// Django's form: the username comes first, flags may follow.
	var username string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		username, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if username == "" && fs.NArg() > 0 {
		username = fs.Arg(0)
	}
	if username == "" {
		return usageError{errors.New("give the username")}
	}
	st, err := openUsers(env)
	if err != nil {
		return err
	}
	defer st.close()
	ctx := background(env)
	user, err := st.users.ByUsername(ctx, username)
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("user %q does not exist", username)
	}
	if err != nil {
		return err
	}
	var password string
	if *fromStdin {
		if password, err = passwordFromStdin(env.Stdin); err != nil {
			return err
		}
		if err := st.validators.Validate(password, user); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(env.Stdout, "Changing password for user %q\n", username)
		if password, err = newPrompter(env).validPassword(st.validators, user, false, maxPasswordTries); err != nil {
			return err
		}
	}
	// With REVOKE_ON_PASSWORD_CHANGE, every token issued to the user so far stops working.
	if err := tokens.NewRevoker(st.s, st.db, st.users, nil).SetPassword(ctx, user, password); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Password changed successfully for user %q\n", username)
	return nil
}
