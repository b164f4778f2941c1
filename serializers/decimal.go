package serializers

import (
	"encoding/json"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// DRF's DecimalField messages.
const (
	MsgMaxDigits        = "Ensure that there are no more than %d digits in total."
	MsgMaxDecimalPlaces = "Ensure that there are no more than %d decimal places."
	MsgMaxWholeDigits   = "Ensure that there are no more than %d digits before the decimal point."
)

// pythonDecimal is the text Python's decimal.Decimal() reads as a finite number: a sign,
// digits with single underscores between them, a point, an exponent. "NaN" and "Infinity"
// are numbers to Python too, but DecimalField refuses them.
var pythonDecimal = regexp.MustCompile(`^[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$`)

// decimalSpec is a DecimalField's arguments: max_digits and decimal_places (-1 when not
// given), min_value and max_value.
type decimalSpec struct {
	maxDigits, places  int
	minValue, maxValue *decimal.Decimal
}

// readDecimal is DecimalField.to_internal_value: str(data).strip() read as a Decimal, its
// precision checked, then quantized to decimal_places (so "12.5" is 12.50).
func (d decimalSpec) read(raw any) (decimal.Decimal, []string) {
	s := trimPython(pythonStr(raw))
	if len(s) > maxNumberString {
		return decimal.Decimal{}, []string{MsgStringTooLarge}
	}
	if _, isBool := raw.(bool); isBool || !pythonDecimal.MatchString(s) {
		return decimal.Decimal{}, []string{MsgInvalidNumber}
	}
	v, err := decimal.NewFromString(strings.ReplaceAll(s, "_", ""))
	if err != nil {
		return decimal.Decimal{}, []string{MsgInvalidNumber}
	}
	if msg := d.precision(v); msg != "" {
		return decimal.Decimal{}, []string{msg}
	}
	if d.places >= 0 && -v.Exponent() < int32(d.places) {
		v = v.Round(int32(d.places)) // only adds zeros: precision allowed no more places
	}
	var msgs []string
	if d.maxValue != nil && v.Cmp(*d.maxValue) > 0 {
		msgs = append(msgs, msgMaxValue(decimalText(*d.maxValue)))
	}
	if d.minValue != nil && v.Cmp(*d.minValue) < 0 {
		msgs = append(msgs, msgMinValue(decimalText(*d.minValue)))
	}
	return v, msgs
}

// precision is DecimalField.validate_precision: digits counted as Python's as_tuple()
// counts them, trailing zeros included ("1.50" has two decimal places, "1e3" four digits).
func (d decimalSpec) precision(v decimal.Decimal) string {
	digits := len(new(big.Int).Abs(v.Coefficient()).String())
	exp := int(v.Exponent())
	var total, whole, places int
	switch {
	case exp >= 0:
		total, whole = digits+exp, digits+exp
	case digits > -exp:
		total, whole, places = digits, digits+exp, -exp
	default:
		total, places = -exp, -exp
	}
	switch {
	case d.maxDigits >= 0 && total > d.maxDigits:
		return strings.Replace(MsgMaxDigits, "%d", strconv.Itoa(d.maxDigits), 1)
	case d.places >= 0 && places > d.places:
		return strings.Replace(MsgMaxDecimalPlaces, "%d", strconv.Itoa(d.places), 1)
	case d.maxDigits >= 0 && d.places >= 0 && whole > d.maxDigits-d.places:
		return strings.Replace(MsgMaxWholeDigits, "%d", strconv.Itoa(d.maxDigits-d.places), 1)
	}
	return ""
}

// represent is DecimalField.to_representation: quantized to decimal_places (half to even,
// Python's default rounding), then '{:f}' text when coerce_to_string (DRF's default,
// COERCE_DECIMAL_TO_STRING), else a number as DRF's encoder writes it, float(value).
func (d decimalSpec) represent(v decimal.Decimal, coerce bool) any {
	if d.places >= 0 {
		v = v.RoundBank(int32(d.places))
		if -v.Exponent() < int32(d.places) {
			v = v.Round(int32(d.places))
		}
	}
	if coerce {
		return decimalText(v)
	}
	f, _ := v.Float64()
	return json.Number(pythonFloat(f))
}

// decimalText is Python's '{:f}'.format(value): fixed point, trailing zeros kept, never an
// exponent ("1.50", "1000" for 1E+3). shopspring's String trims zeros by a package switch.
func decimalText(v decimal.Decimal) string {
	coef := v.Coefficient()
	sign := ""
	if coef.Sign() < 0 {
		sign = "-"
		coef.Abs(coef)
	}
	digits := coef.String()
	exp := int(v.Exponent())
	if exp >= 0 {
		if coef.Sign() == 0 {
			return sign + "0"
		}
		return sign + digits + strings.Repeat("0", exp)
	}
	places := -exp
	if len(digits) <= places {
		digits = strings.Repeat("0", places-len(digits)+1) + digits
	}
	return sign + digits[:len(digits)-places] + "." + digits[len(digits)-places:]
}
