package passwords

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"ginrest/models"
)

// userAttributes are the auth_user fields UserAttributeSimilarity may compare, with their
// verbose names, which its message shows ("too similar to the email address").
var userAttributes = map[string]struct {
	verbose string
	value   func(*models.User) string
}{
	"username":   {"username", func(u *models.User) string { return u.Username }},
	"first_name": {"first name", func(u *models.User) string { return u.FirstName }},
	"last_name":  {"last name", func(u *models.User) string { return u.LastName }},
	"email":      {"email address", func(u *models.User) string { return u.Email }},
}

// DefaultUserAttributes are UserAttributeSimilarityValidator.DEFAULT_USER_ATTRIBUTES.
var DefaultUserAttributes = []string{"username", "first_name", "last_name", "email"}

// nonWord is Python's \W+ on a str: a run of characters that are neither letters,
// numbers nor the underscore. Go's \W is ASCII-only.
var nonWord = regexp.MustCompile(`[^\p{L}\p{N}_]+`)

// UserAttributeSimilarity is Django's UserAttributeSimilarityValidator: a password too
// like one of the user's Attributes, or a word of one (the parts of an email address), is
// refused. "Too like" is difflib's quick_ratio at or above MaxSimilarity, as Django 3.2
// to 5.x compute it. Zero values mean Django's defaults: DefaultUserAttributes and 0.7.
// An attribute auth_user lacks is ignored, as Django ignores one the model lacks.
type UserAttributeSimilarity struct {
	Attributes    []string
	MaxSimilarity float64
}

// Check refuses a MaxSimilarity Django refuses (ValueError at start).
func (v UserAttributeSimilarity) Check() error {
	if v.MaxSimilarity != 0 && v.MaxSimilarity < 0.1 {
		return errors.New("UserAttributeSimilarityValidator: max_similarity must be at least 0.1")
	}
	return nil
}

func (v UserAttributeSimilarity) Validate(password string, user *models.User) error {
	if user == nil {
		return nil
	}
	attributes, maxSimilarity := v.Attributes, v.MaxSimilarity
	if attributes == nil {
		attributes = DefaultUserAttributes
	}
	if maxSimilarity == 0 {
		maxSimilarity = 0.7
	}
	// Python's str.lower and Go's strings.ToLower differ on a few letters (Python lowers
	// İ to two code points); both sides are lowered alike, so only ratios involving those
	// letters can differ from Django's.
	password = strings.ToLower(password)
	for _, name := range attributes {
		attr, ok := userAttributes[name]
		if !ok {
			continue
		}
		value := strings.ToLower(attr.value(user))
		if value == "" {
			continue
		}
		for _, part := range append(nonWord.Split(value, -1), value) {
			if exceedsMaximumLengthRatio(password, maxSimilarity, part) {
				continue
			}
			if newSequenceMatcher(password, part).quickRatio() >= maxSimilarity {
				return &Error{Code: "password_too_similar",
					Message: fmt.Sprintf("The password is too similar to the %s.", attr.verbose)}
			}
		}
	}
	return nil
}

// exceedsMaximumLengthRatio is Django's exceeds_maximum_length_ratio: a value a tenth of
// the password's length or shorter cannot reach max_similarity, so it is not compared.
func exceedsMaximumLengthRatio(password string, maxSimilarity float64, value string) bool {
	pwdLen := len([]rune(password))
	valueLen := len([]rune(value))
	return pwdLen >= 10*valueLen && float64(valueLen) < maxSimilarity/2*float64(pwdLen)
}
