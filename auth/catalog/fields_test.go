package catalog

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// Each text field is found under its JSON name: setting it through
// SetField shows up in the JSON under that name, and Field reads it back.
func TestFieldsAreLookedUpByTheirJSONName(t *testing.T) {
	for name := range textFields {
		var m Method
		if !m.SetField(name, "value-of-"+name) {
			t.Fatalf("SetField(%q) refused", name)
		}
		if got, ok := m.Field(name); !ok || got != "value-of-"+name {
			t.Errorf("Field(%q) = %q, %v", name, got, ok)
		}
		data, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if err := json.Unmarshal(data, &raw); err != nil {
			t.Fatal(err)
		}
		if raw[name] != "value-of-"+name {
			t.Errorf("SetField(%q) set another field: %s", name, data)
		}
	}
	var m Method
	if m.SetField("apply", "x") {
		t.Error("apply is a structure, not a text field")
	}
	if _, ok := m.Field("nonsense"); ok {
		t.Error("an unknown name is a field")
	}
}

// Every string field that may be marked unconfirmed can be corrected as text.
func TestEveryUnconfirmableStringFieldIsATextField(t *testing.T) {
	typ := reflect.TypeOf(Method{})
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if _, words := UnconfirmedWords[name]; !words || f.Type.Kind() != reflect.String {
			continue
		}
		if _, ok := textFields[name]; !ok {
			t.Errorf("%s (%s) may be unconfirmed but cannot be looked up", name, f.Name)
		}
	}
}

func TestUnconfirmedTextKeepsOrderAndSkipsStructures(t *testing.T) {
	m := Method{Unconfirmed: []string{FieldTokenURL, "apply", FieldAuthorizeURL}}
	if got := m.UnconfirmedText(); !reflect.DeepEqual(got, []string{FieldTokenURL, FieldAuthorizeURL}) {
		t.Errorf("UnconfirmedText = %v", got)
	}
	if FieldWords(FieldTokenURL) != "the token address" || FieldWords("other") != "other" {
		t.Error("FieldWords")
	}
}
