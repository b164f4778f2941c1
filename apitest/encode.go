package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"slices"
	"strconv"
)

// encode is a request's body and Content-Type; a nil body is none.
func encode(body any, o call) ([]byte, string, error) {
	if o.raw {
		switch b := body.(type) {
		case nil:
			return nil, o.contentType, nil
		case string:
			return []byte(b), o.contentType, nil
		case []byte:
			return b, o.contentType, nil
		}
		return nil, "", fmt.Errorf("a Raw body is a string or []byte, not %T", body)
	}
	if body == nil {
		return nil, "", nil
	}
	switch o.format {
	case Form:
		values, err := formValues(body)
		if err != nil {
			return nil, "", err
		}
		return []byte(values.Encode()), "application/x-www-form-urlencoded", nil
	case Multipart:
		values, err := formValues(body)
		if err != nil {
			return nil, "", err
		}
		return multipartBody(values)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, "", fmt.Errorf("encode the body as JSON: %w", err)
	}
	return b, "application/json", nil
}

// formValues reads a form body: url.Values, or a map of names to scalars or lists of them.
func formValues(body any) (url.Values, error) {
	switch b := body.(type) {
	case url.Values:
		return b, nil
	case map[string][]string:
		return url.Values(b), nil
	case map[string]string:
		values := url.Values{}
		for k, v := range b {
			values.Set(k, v)
		}
		return values, nil
	case map[string]any:
		values := url.Values{}
		for k, v := range b {
			items, err := formItems(v)
			if err != nil {
				return nil, fmt.Errorf("form field %q: %w", k, err)
			}
			values[k] = items
		}
		return values, nil
	}
	return nil, fmt.Errorf("a form body is url.Values or a map[string]string, map[string][]string or map[string]any, not %T", body)
}

func formItems(v any) ([]string, error) {
	switch v := v.(type) {
	case []string:
		return v, nil
	case []any:
		var items []string
		for _, item := range v {
			s, err := formScalar(item)
			if err != nil {
				return nil, err
			}
			items = append(items, s)
		}
		return items, nil
	}
	s, err := formScalar(v)
	return []string{s}, err
}

func formScalar(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case json.Number:
		return v.String(), nil
	case fmt.Stringer:
		return v.String(), nil
	}
	return "", fmt.Errorf("a form value is a string, number, boolean or a list of them, not %T", v)
}

// multipartBody is a multipart/form-data body of the fields, in name order.
func multipartBody(values url.Values) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range values[name] {
			if err := w.WriteField(name, v); err != nil {
				return nil, "", err
			}
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}
