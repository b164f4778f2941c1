package serializers

import "ginrest/rest"

// describeStruct is SimpleMetadata.get_serializer_info: every field, write-only ones too,
// hidden ones not.
func describeStruct(info *structInfo) rest.Fields {
	fields := make(rest.Fields, 0, len(info.fields))
	for _, f := range info.fields {
		if !f.hidden {
			fields = append(fields, f.info)
		}
	}
	return fields
}

// describe is SimpleMetadata.get_field_info: the type under DRF's name, required,
// read_only, label, the bounds the rules set, a list's child, a nested object's children
// and a writable choice field's choices.
func describe(f *field) rest.FieldInfo {
	info := rest.FieldInfo{Name: f.name, Type: typeName(f), Required: f.required, ReadOnly: f.readOnly, Label: f.label, HelpText: f.helpText,
		WriteOnly: f.writeOnly, Nullable: f.nullable}
	for _, c := range f.rules {
		n, ok := c.bound()
		if !ok {
			continue
		}
		switch f.kind {
		case kindString, kindList:
			length, isInt := n.(int64)
			if !isInt {
				continue
			}
			switch c.name {
			case "max", "lte":
				info.MaxLength = int(length)
			case "min", "gte":
				info.MinLength = int(length)
			case "len":
				info.MinLength, info.MaxLength = int(length), int(length)
			}
		case kindInt, kindUint, kindFloat:
			switch c.name {
			case "max", "lte":
				info.MaxValue = n
			case "min", "gte":
				info.MinValue = n
			}
		}
	}
	switch f.kind {
	case kindDecimal:
		// force_str of a Decimal bound: DRF describes it as text.
		if d := f.decimal.maxValue; d != nil {
			info.MaxValue = decimalText(*d)
		}
		if d := f.decimal.minValue; d != nil {
			info.MinValue = decimalText(*d)
		}
	case kindDuration:
		if d := f.maxDuration; d != nil {
			info.MaxValue = pythonTimedelta(*d)
		}
		if d := f.minDuration; d != nil {
			info.MinValue = pythonTimedelta(*d)
		}
	case kindList, kindDict:
		if f.multiple {
			break // MultipleChoiceField has choices, no child
		}
		child := f.child.info
		info.Child = &child
	case kindFile, kindImage:
		info.MaxLength = f.fileMaxLength // of the file's name, as DRF lists it
	case kindObject:
		if f.object != nil && len(f.object.fields) > 0 {
			info.Children = describeNested(f.object)
		}
	}
	choices := f.choices
	if f.multiple {
		choices = f.child.choices
	}
	if choices != nil && !f.readOnly {
		formats := DefaultFormats()
		r := &renderer{formats: &formats}
		for _, c := range choices {
			info.Choices = append(info.Choices, rest.Choice{Value: r.value(&field{kind: c.kind()}, c.value), DisplayName: c.text})
		}
	}
	return info
}

// describeNested describes a nested object's fields; a type that contains itself is
// described to one level, as its info may still be being built.
func describeNested(info *structInfo) rest.Fields {
	fields := make(rest.Fields, 0, len(info.fields))
	for _, f := range info.fields {
		fields = append(fields, f.info)
	}
	return fields
}

// typeName is SimpleMetadata's label_lookup for the DRF field the Go field becomes.
func typeName(f *field) string {
	switch f.kind {
	case kindString:
		if f.choices != nil {
			return "choice"
		}
		switch f.patternMsg {
		case MsgInvalidSlug, MsgInvalidSlugUnicode:
			return "slug"
		case MsgRegexMismatch:
			return "regex"
		}
		for _, c := range f.rules {
			switch c.name {
			case "email":
				return "email"
			case "url", "http_url", "https_url", "uri":
				return "url"
			}
		}
		return "string"
	case kindInt, kindUint:
		if f.choices != nil {
			return "choice"
		}
		return "integer"
	case kindFloat:
		return "float"
	case kindBool:
		return "boolean"
	case kindTime:
		return "datetime"
	case kindObject:
		return "nested object"
	case kindList:
		if f.multiple {
			return "multiple choice"
		}
		if f.child.kind == kindObject {
			return "field" // ListSerializer is a Field to label_lookup, its child the object
		}
		return "list"
	case kindDecimal:
		return "decimal"
	case kindDate:
		return "date"
	case kindTimeOfDay:
		return "time"
	case kindUUID, kindIP:
		return "string" // UUIDField is listed as "string"; IPAddressField is a CharField
	case kindDict:
		return "nested object"
	case kindFile:
		return "file upload"
	case kindImage:
		return "image upload"
	}
	// DurationField, JSONField, ReadOnlyField, SerializerMethodField and HiddenField are
	// not in DRF 3.14's label_lookup: they are Fields to it.
	return "field"
}
