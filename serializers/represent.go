package serializers

import (
	"bytes"
	"encoding/json"
	"reflect"
	"time"
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

// representObject is Serializer.to_representation.
func representObject(info *structInfo, v reflect.Value) Data {
	d := Data{items: make([]item, 0, len(info.fields))}
	for _, f := range info.fields {
		if f.writeOnly {
			continue
		}
		d.items = append(d.items, item{f.name, represent(f, v.FieldByIndex(f.index))})
	}
	return d
}

// represent is a field's to_representation: None stays null, times are ISO 8601 in UTC.
func represent(f *field, v reflect.Value) any {
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
		return FormatDateTime(v.Interface().(time.Time).UTC())
	case kindObject:
		return representObject(f.object, v)
	case kindList:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = represent(f.child, v.Index(i))
		}
		return out
	}
	return v.Interface()
}
