package serializers_test

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"

	"ginrest/serializers"
)

// Invoice stores the value types of the field types in a table, as gorm writes and
// reads them.
type Invoice struct {
	ID     int64                  `json:"id" gorm:"primaryKey" drf:"read_only"`
	Ref    serializers.UUID       `json:"ref" drf:"unique"`
	Amount decimal.Decimal        `json:"amount" drf:"max_digits=10,decimal_places=2"`
	Due    serializers.Date       `json:"due"`
	Cutoff *serializers.TimeOfDay `json:"cutoff" drf:"optional"`
	Meta   json.RawMessage        `json:"meta" drf:"optional"`
}

func (Invoice) TableName() string { return "serializers_invoice" }

// TestFieldTypesStored: decimals, dates, times, UUIDs and JSON go to the database and
// come back unchanged (decimal.Decimal and the serializers' types are Scanners and Valuers).
func TestFieldTypesStored(t *testing.T) {
	db := testDB(t,
		`CREATE TABLE "serializers_invoice" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "ref" char(36) NOT NULL UNIQUE,
			"amount" decimal(10, 2) NOT NULL, "due" date NOT NULL, "cutoff" time NULL, "meta" text NULL)`,
		`CREATE TABLE "serializers_invoice" ("id" bigserial NOT NULL PRIMARY KEY, "ref" uuid NOT NULL UNIQUE,
			"amount" numeric(10, 2) NOT NULL, "due" date NOT NULL, "cutoff" time NULL, "meta" jsonb NULL)`)
	s := serializers.NewModel[Invoice](db)
	body := `{"ref": "6f9619ff-8b86-d011-b42d-00c04fc964ff", "amount": "1234.5", "due": "2024-02-29", "cutoff": "17:30", "meta": {"a": [1, 2]}}`
	v, err := s.Validate(t.Context(), parse(t, body))
	if err != nil {
		t.Fatal(errorBody(t, err))
	}
	created, err := s.Create(t.Context(), v)
	if err != nil {
		t.Fatal(err)
	}
	var loaded Invoice
	if err := db.First(&loaded, created.ID).Error; err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(s.Represent(&loaded))
	want := `{"id": 1, "ref": "6f9619ff-8b86-d011-b42d-00c04fc964ff", "amount": "1234.50", "due": "2024-02-29", "cutoff": "17:30:00", "meta": {"a": [1, 2]}}`
	if !sameJSON(t, string(out), want) {
		t.Errorf("loaded %s", out)
	}
	// The UUID is unique as it is stored.
	_, err = s.Validate(t.Context(), parse(t, body))
	if !sameJSON(t, errorBody(t, err), `{"ref": ["invoice with this ref already exists."]}`) {
		t.Errorf("unique: %s", errorBody(t, err))
	}
}
