package settings_test

import (
	"strings"
	"testing"

	"ginrest/settings"
)

func TestPaginationSettings(t *testing.T) {
	s, err := settings.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if s.REST.PaginationClass() != "PageNumberPagination" || s.REST.PageSize != 20 {
		t.Errorf("defaults: DEFAULT_PAGINATION_CLASS %q, PAGE_SIZE %d; want PageNumberPagination, 20", s.REST.DefaultPaginationClass, s.REST.PageSize)
	}
	tests := []struct {
		class, size string
		want        string
		wantSize    int
	}{
		{"LimitOffsetPagination", "50", "LimitOffsetPagination", 50},
		{"rest_framework.pagination.CursorPagination", "5", "CursorPagination", 5},
		{"None", "", "", 20},
		{"none", "0", "", 0},
		{"", "0", "", 0},
	}
	for _, tt := range tests {
		vars := map[string]string{"DEFAULT_PAGINATION_CLASS": tt.class}
		if tt.size != "" {
			vars["PAGE_SIZE"] = tt.size
		}
		s, err := settings.Load(env(vars))
		if err != nil {
			t.Errorf("%v: %v", vars, err)
			continue
		}
		if got := s.REST.PaginationClass(); got != tt.want || s.REST.PageSize != tt.wantSize {
			t.Errorf("%v: class %q size %d, want %q %d", vars, got, s.REST.PageSize, tt.want, tt.wantSize)
		}
	}
}

func TestInvalidPaginationValuesNameTheVariable(t *testing.T) {
	tests := []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"PAGE_SIZE": "0"}, "PAGE_SIZE must be at least 1 with DEFAULT_PAGINATION_CLASS=PageNumberPagination"},
		{map[string]string{"PAGE_SIZE": "-3", "DEFAULT_PAGINATION_CLASS": "none"}, "PAGE_SIZE must not be negative"},
		{map[string]string{"PAGE_SIZE": "twenty"}, `PAGE_SIZE="twenty" is not valid`},
	}
	for _, tt := range tests {
		_, err := settings.Load(env(tt.vars))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want one containing %q", tt.vars, err, tt.want)
		}
	}
}
