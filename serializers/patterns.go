package serializers

import "regexp"

// SlugField's patterns, Django's validate_slug and validate_unicode_slug. RegexField's
// pattern is the field's regex= option, compiled by Go's regexp (RE2: no look-arounds or
// back-references, which Python's re has) and, as Django's RegexValidator does, searched
// for rather than matched whole: anchor it with ^ and $ to match the whole value.
var (
	slugASCII   = regexp.MustCompile(`^[-a-zA-Z0-9_]+$`)
	slugUnicode = regexp.MustCompile(`^[-\p{L}\p{N}_]+$`)
)
