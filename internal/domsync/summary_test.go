package domsync

import (
	"encoding/json"
	"reflect"
	"testing"
)

// summaryOf reads what encoding/json's Unmarshal into a map would.
func TestSummaryOf(t *testing.T) {
	for _, s := range []string{
		`{"type":"click","button":0,"clientX":12.5,"clientY":-3,"altKey":false,"target":{"value":"a\"b","checked":true,"selectedIndex":-1,"id":"x","tagName":"BUTTON"}}`,
		`{"type":"input","key":"é","target":{"value":"\u003c\u2028","scrollTop":1e2}}`,
		`{}`, `null`,
	} {
		var want map[string]any
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		got, err := summaryOf(s)
		if err != nil {
			t.Fatalf("summaryOf(%s): %v", s, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("summaryOf(%s) = %#v, want %#v", s, got, want)
		}
	}
	for _, s := range []string{`[1]`, `"x"`, `{"a":`, `{"a":1e999}`} {
		if _, err := summaryOf(s); err == nil {
			t.Errorf("summaryOf(%s): no error", s)
		}
	}
}
