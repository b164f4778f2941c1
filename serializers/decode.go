package serializers

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"ginrest/rest"
)

// run is one validation: DRF's to_internal_value and run_validation over a struct and what
// it nests. Error details take DRF's shapes: a field's messages ([]string), a nested
// object's errors (Errors), a ListSerializer's list aligned with its items ([]any), a
// ListField's errors by index (Errors keyed "0", "1"...).
type run struct {
	ctx     *Context
	partial bool
	formats *Formats
	// unique checks a top-level field marked unique; nil when there is no database.
	unique func(f *field, v reflect.Value) ([]string, error)
	// model finds relation fields' objects; nil for a plain serializer.
	model *model
	// objectUnique runs the object's unique validators (unique_together, unique_for_date)
	// on the valid top-level struct; nil when there is no database.
	objectUnique func(v reflect.Value) (Errors, error)
	// fatal is an error that is not the client's fault (a database failure, a hook's
	// plain error): validation stops and it is returned as it is.
	fatal error
}

// object validates raw (a JSON object) into dst, a struct of info's type. top marks the
// serializer's own struct, whose fields are the validated data and may be unique.
func (r *run) object(info *structInfo, raw any, dst reflect.Value, top bool) any {
	obj, isMap := raw.(map[string]any)
	form, isForm := raw.(url.Values)
	if !isMap && !isForm {
		return Errors{rest.NonFieldErrors: []string{msgNotADict(pythonType(raw))}}
	}
	errs := Errors{}
	for _, f := range info.fields {
		if f.readOnly || (top && r.model != nil && r.model.readOnly[f]) {
			continue
		}
		var value any
		var present bool
		switch {
		case f.hidden:
			// HiddenField: input is never read, the default always used.
		case isForm && (f.kind == kindFile || f.kind == kindImage):
			value, present = r.formFile(f, form)
		case isForm:
			value, present = formValue(f, form, r.partial)
		default:
			value, present = obj[f.name]
		}
		fv := dst.FieldByIndex(f.index)
		switch {
		case present:
			detail := r.field(f, value, fv)
			if r.fatal != nil {
				return nil
			}
			if detail != nil {
				errs[f.name] = detail
				continue
			}
			if top && f.unique && r.unique != nil {
				msgs, err := r.unique(f, fv)
				if err != nil {
					r.fatal = err
					return nil
				}
				if msgs != nil {
					errs[f.name] = msgs
					continue
				}
			}
		case r.partial:
			continue
		case f.required && (f.kind == kindFile || f.kind == kindImage):
			errs[f.name] = []string{MsgFileRequired} // FileField's own required message
			continue
		case f.required:
			errs[f.name] = []string{MsgRequired}
			continue
		case f.hasDefault():
			v, msgs, err := r.defaultFor(f, dst)
			if err != nil {
				r.fatal = err
				return nil
			}
			if msgs != nil {
				errs[f.name] = msgs
				continue
			}
			fv.Set(v)
		default:
			continue
		}
		if top {
			r.ctx.validated = append(r.ctx.validated, f.name)
		}
		if info.fieldHook {
			err := dst.Addr().Interface().(FieldValidator).ValidateField(r.ctx, f.name)
			if detail := r.hookDetail(err, true); detail != nil {
				errs[f.name] = detail
			}
			if r.fatal != nil {
				return nil
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if top && r.objectUnique != nil {
		errs, err := r.objectUnique(dst)
		if err != nil {
			r.fatal = err
			return nil
		}
		if errs != nil {
			return errs
		}
	}
	if info.objectHook {
		err := dst.Addr().Interface().(ObjectValidator).Validate(r.ctx)
		if detail := r.hookDetail(err, false); detail != nil {
			return detail
		}
	}
	return nil
}

// hookDetail turns a hook's error into an error detail: a 400 *rest.Error from Invalid or
// rest.ValidationError gives its fields; anything else stops the validation (fatal). A
// field hook's non-field messages become the field's own, as DRF's validate_<field> does.
func (r *run) hookDetail(err error, forField bool) any {
	if err == nil {
		return nil
	}
	var re *rest.Error
	if !errors.As(err, &re) || re.Status != http.StatusBadRequest || re.Fields == nil {
		r.fatal = err
		return nil
	}
	if forField {
		if msgs, ok := re.Fields[rest.NonFieldErrors]; ok && len(re.Fields) == 1 {
			return msgs
		}
	}
	return Errors(re.Fields)
}

// field validates a present value: null first (allow_null is a pointer), then the type.
func (r *run) field(f *field, raw any, dst reflect.Value) any {
	if f.rel != nil {
		return r.related(f, raw, dst)
	}
	if raw == nil {
		if !f.nullable {
			return []string{MsgNull}
		}
		dst.Set(reflect.Zero(f.typ))
		return nil
	}
	if !f.nullable {
		return r.value(f, raw, dst)
	}
	if s, ok := raw.(string); ok && f.kind == kindBool && nullValues[s] {
		dst.Set(reflect.Zero(f.typ)) // BooleanField(allow_null=True) reads "null" and "" as None
		return nil
	}
	if f.kind == kindDecimal && trimPython(pythonStr(raw)) == "" {
		dst.Set(reflect.Zero(f.typ)) // DecimalField(allow_null=True) reads blank as None
		return nil
	}
	fresh := reflect.New(f.elem)
	if f.kind == kindObject && !dst.IsNil() {
		fresh.Elem().Set(dst.Elem()) // an update starts from what is there
	}
	if detail := r.value(f, raw, fresh.Elem()); detail != nil {
		return detail
	}
	dst.Set(fresh)
	return nil
}

// value validates a non-null value into target (of the field's non-pointer type).
func (r *run) value(f *field, raw any, target reflect.Value) any {
	switch f.kind {
	case kindObject:
		return r.object(f.object, raw, target, false)
	case kindList:
		if f.multiple {
			return r.multipleChoice(f, raw, target)
		}
		return r.list(f, raw, target)
	case kindDict:
		return r.dict(f, raw, target)
	case kindFile, kindImage:
		return r.file(f, raw, target)
	}
	if f.choices != nil {
		return r.choice(f, raw, target)
	}
	if f.kind == kindString || f.kind == kindIP {
		// CharField.run_validation: blank is decided before the type, and "" skips the rules.
		if s, ok := raw.(string); ok && (s == "" || (f.trim && trimPython(s) == "")) {
			if !f.allowBlank {
				return []string{MsgBlank}
			}
			target.Set(reflect.Zero(target.Type()))
			return nil
		}
	}
	if msgs := r.scalar(f, raw, target); msgs != nil {
		return msgs
	}
	msgs := f.validate(target)
	if f.kind == kindString && strings.IndexByte(target.String(), 0) >= 0 {
		msgs = append(msgs, MsgNullCharacters)
	}
	if f.pattern != nil && !f.pattern.MatchString(target.String()) {
		msgs = append(msgs, f.patternMsg)
	}
	if msgs != nil {
		return msgs
	}
	return nil
}

// choice is ChoiceField.to_internal_value: str(input) must be one of the choices.
func (r *run) choice(f *field, raw any, target reflect.Value) any {
	if raw == "" && f.allowBlank && f.kind == kindString {
		target.SetString("")
		return nil
	}
	key := pythonStr(raw)
	for _, c := range f.choices {
		if c.text == key {
			target.Set(c.value)
			if msgs := f.validate(target); msgs != nil {
				return msgs
			}
			return nil
		}
	}
	return []string{msgInvalidChoice(key)}
}

// list is ListField (items of a scalar type: errors by index, then the list's own rules)
// or ListSerializer (items are objects: length first, errors aligned with the items).
func (r *run) list(f *field, raw any, target reflect.Value) any {
	many := f.child.kind == kindObject
	refuse := func(msg string) any {
		if many {
			return Errors{rest.NonFieldErrors: []string{msg}}
		}
		return []string{msg}
	}
	items, ok := raw.([]any)
	if !ok {
		return refuse(msgNotAList(pythonType(raw)))
	}
	if len(items) == 0 && !f.allowEmpty {
		return refuse(MsgEmptyList)
	}
	if many {
		if msgs := f.validate(reflect.MakeSlice(f.elem, len(items), len(items))); msgs != nil {
			return Errors{rest.NonFieldErrors: msgs}
		}
	}
	out := reflect.MakeSlice(f.elem, len(items), len(items))
	var aligned []any
	byIndex := Errors{}
	failed := false
	for i, item := range items {
		detail := r.field(f.child, item, out.Index(i))
		if r.fatal != nil {
			return nil
		}
		failed = failed || detail != nil
		switch {
		case many && detail == nil:
			aligned = append(aligned, map[string]any{})
		case many:
			aligned = append(aligned, detail)
		case detail != nil:
			byIndex[strconv.Itoa(i)] = detail
		}
	}
	switch {
	case failed && many:
		return aligned
	case failed:
		return byIndex
	}
	target.Set(out)
	if !many {
		if msgs := f.validate(target); msgs != nil {
			return msgs
		}
	}
	return nil
}

// multipleChoice is MultipleChoiceField.to_internal_value: a list (not a string) of
// choices, stored once each in input order (DRF's set); the first wrong item is the
// field's one message.
func (r *run) multipleChoice(f *field, raw any, target reflect.Value) any {
	items, ok := raw.([]any)
	if !ok {
		return []string{msgNotAList(pythonType(raw))}
	}
	if len(items) == 0 && !f.allowEmpty {
		return []string{MsgEmptySelection}
	}
	out := reflect.MakeSlice(f.elem, 0, len(items))
	seen := map[string]bool{}
	for _, item := range items {
		v := reflect.New(f.child.elem).Elem()
		if detail := r.choice(f.child, item, v); detail != nil {
			return detail
		}
		key := pythonStr(item)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = reflect.Append(out, v)
	}
	target.Set(out)
	if msgs := f.validate(target); msgs != nil {
		return msgs
	}
	return nil
}

// dict is DictField.to_internal_value: an object whose values the child reads; errors by
// key ({"scores": {"b": ["A valid integer is required."]}}).
func (r *run) dict(f *field, raw any, target reflect.Value) any {
	obj, ok := raw.(map[string]any)
	if !ok {
		return []string{msgNotADictOfItems(pythonType(raw))}
	}
	if len(obj) == 0 && !f.allowEmpty {
		return []string{MsgEmptyDict}
	}
	out := reflect.MakeMapWithSize(f.elem, len(obj))
	errs := Errors{}
	for k, item := range obj {
		v := reflect.New(f.child.typ).Elem()
		detail := r.field(f.child, item, v)
		if r.fatal != nil {
			return nil
		}
		if detail != nil {
			errs[k] = detail
			continue
		}
		out.SetMapIndex(reflect.ValueOf(k).Convert(f.elem.Key()), v)
	}
	if len(errs) > 0 {
		return errs
	}
	target.Set(out)
	return nil
}
