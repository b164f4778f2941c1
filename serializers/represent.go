package serializers

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"net/netip"
	"reflect"
	"time"

	"github.com/shopspring/decimal"

	"ginrest/files"
)

// Data is a representation, DRF's serializer.data: a JSON object whose keys keep the
// serializer's field order. Views may add or drop keys before rendering it.
type Data struct {
	items []item
}

type item struct {
	key   string
	value any
}

// Get returns the value of key.
func (d Data) Get(key string) (any, bool) {
	for _, it := range d.items {
		if it.key == key {
			return it.value, true
		}
	}
	return nil, false
}

// Set replaces key's value, or adds key at the end.
func (d *Data) Set(key string, value any) {
	for i := range d.items {
		if d.items[i].key == key {
			d.items[i].value = value
			return
		}
	}
	d.items = append(d.items, item{key, value})
}

// Delete removes key.
func (d *Data) Delete(key string) {
	for i := range d.items {
		if d.items[i].key == key {
			d.items = append(d.items[:i:i], d.items[i+1:]...)
			return
		}
	}
}

// Keys are the keys in order.
func (d Data) Keys() []string {
	keys := make([]string, len(d.items))
	for i, it := range d.items {
		keys[i] = it.key
	}
	return keys
}

// Map is the data as a plain map (order lost), for code that wants one.
func (d Data) Map() map[string]any {
	m := make(map[string]any, len(d.items))
	for _, it := range d.items {
		m[it.key] = it.value
	}
	return m
}

// MarshalJSON renders the object in order. Like DRF's renderer it leaves <, > and &
// unescaped; the encoder around it decides for the whole body.
func (d Data) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	out := []byte{'{'}
	for i, it := range d.items {
		if i > 0 {
			out = append(out, ',')
		}
		b.Reset()
		if err := enc.Encode(it.key); err != nil {
			return nil, err
		}
		out = append(out, bytes.TrimSuffix(b.Bytes(), []byte{'\n'})...)
		out = append(out, ':')
		b.Reset()
		if err := enc.Encode(it.value); err != nil {
			return nil, err
		}
		out = append(out, bytes.TrimSuffix(b.Bytes(), []byte{'\n'})...)
	}
	return append(out, '}'), nil
}

// renderer is one representation: the formats in use, and the context method fields see.
// err is the first method field's error; rendering stops there.
type renderer struct {
	ctx     *Context
	formats *Formats
	storage files.Storage
	err     error
	model   *model // renders relation fields; nil for a plain serializer
}

// object is Serializer.to_representation.
func (r *renderer) object(info *structInfo, v reflect.Value) Data {
	d := Data{items: make([]item, 0, len(info.fields))}
	for _, f := range info.fields {
		if f.writeOnly {
			continue
		}
		if f.rel != nil {
			d.items = append(d.items, item{f.name, r.related(f, v)})
			if r.err != nil {
				return d
			}
			continue
		}
		if f.method >= 0 {
			out, err := callMethod(v, f.method, r.ctx)
			if err != nil {
				if r.err == nil {
					r.err = fmt.Errorf("serializers: %s.Get%s: %w", info.typ, f.goName, err)
				}
				return d
			}
			d.items = append(d.items, item{f.name, out.Interface()})
			continue
		}
		d.items = append(d.items, item{f.name, r.value(f, v.FieldByIndex(f.index))})
	}
	return d
}

// value is a field's to_representation: None stays null, times are ISO 8601 in UTC.
func (r *renderer) value(f *field, v reflect.Value) any {
	if f.nullable {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch f.kind {
	case kindString:
		return v.String()
	case kindInt:
		return v.Int()
	case kindUint:
		return v.Uint()
	case kindFloat:
		if v.Kind() == reflect.Float32 {
			return float32(v.Float())
		}
		return v.Float()
	case kindBool:
		return v.Bool()
	case kindTime:
		return r.formats.dateTime(v.Interface().(time.Time))
	case kindDate:
		d := v.Interface().(Date)
		if d.IsZero() {
			return nil // DRF's "if not value: return None"
		}
		return r.formats.date(d)
	case kindTimeOfDay:
		return r.formats.timeOfDay(v.Interface().(TimeOfDay))
	case kindDuration:
		return FormatDuration(time.Duration(v.Int()))
	case kindDecimal:
		coerce := r.formats.CoerceDecimalToString
		if f.coerce != nil {
			coerce = *f.coerce
		}
		return f.decimal.represent(v.Interface().(decimal.Decimal), coerce)
	case kindUUID:
		return representUUID(v.Interface().(UUID), f.uuidFormat)
	case kindIP:
		a := v.Interface().(netip.Addr)
		if !a.IsValid() {
			return "" // a blank IPAddressField(allow_blank=True)
		}
		return a.String()
	case kindJSON:
		return representJSON(v.Bytes(), f.binary)
	case kindFile, kindImage:
		return r.representFile(v)
	case kindObject:
		return r.object(f.object, v)
	case kindList:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = r.value(f.child, v.Index(i))
		}
		return out
	case kindDict:
		out := make(map[string]any, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			out[iter.Key().String()] = r.value(f.child, iter.Value())
		}
		return out
	}
	return v.Interface()
}

// representUUID is UUIDField.to_representation in its format.
func representUUID(u UUID, format string) any {
	switch format {
	case "hex":
		return hex.EncodeToString(u[:])
	case "int":
		return json.Number(new(big.Int).SetBytes(u[:]).String())
	case "urn":
		return "urn:uuid:" + u.String()
	}
	return u.String()
}
