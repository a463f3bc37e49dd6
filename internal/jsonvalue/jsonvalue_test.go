package jsonvalue

import (
	"encoding/json"
	"reflect"
	"testing"
)

// floats turns the Numbers of v into float64s, as encoding/json decodes
// numbers into an any; it fails for a number out of float64's range.
func floats(v any) (any, error) {
	var err error
	switch v := v.(type) {
	case Number:
		return v.Float64()
	case map[string]any:
		for k, e := range v {
			if v[k], err = floats(e); err != nil {
				return nil, err
			}
		}
	case []any:
		for i, e := range v {
			if v[i], err = floats(e); err != nil {
				return nil, err
			}
		}
	}
	return v, nil
}

// same checks that Parse and encoding/json agree on data: both reject
// it, or both give the same value. (encoding/json also rejects valid JSON
// with a number too large for a float64; Parse reads it as a Number.)
func same(t testing.TB, data []byte) {
	var want any
	wantErr := json.Unmarshal(data, &want)
	got, err := Parse(data)
	if (err != nil) != !json.Valid(data) {
		t.Fatalf("Parse(%q): error %v, but json.Valid says %v", data, err, json.Valid(data))
	}
	if err != nil {
		return
	}
	got, err = floats(got)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("Parse(%q): numbers' error %v, encoding/json's %v", data, err, wantErr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("Parse(%q) = %#v, encoding/json gives %#v", data, got, want)
	}
}

var corpus = []string{
	`{}`, `[]`, ` {"a" : [1, -2.5e3, 0.5, true, false, null, "x"] } `,
	`{"n":12,"at_ns":1500000000,"kind":"role","node":3,"text":"n3 \"leader\" \u003cterm 2\u003e \u2028"}`,
	`"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`, `"\ud83d\u0041"`, `"\udc00\ud83d"`, `"a\/b\\c\b\f\n\r\t"`,
	"\"\xff\xfe ok \xe2\x82\"", `{"a":1,"a":2}`, `[[[[]]]]`, `-0`, `0.0e+0`, `1E-7`,
	`01`, `1.`, `.5`, `-`, `+1`, `1e`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{1:2}`, `[1 2]`, `"\x"`, `"\u12"`,
	"\"tab\there\"", `tru`, `nul`, `[`, `{"a":`, `"abc`, `1 2`, ``, ` `, `{"a":[1,{"b":null}]}`,
	`123456789012345678901234567890`, `1e400`,
}

func TestParseAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range corpus {
		same(t, []byte(s))
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range corpus {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { same(t, data) })
}

// A seed above 2^53 reads exactly.
func TestNumberExact(t *testing.T) {
	v, err := Parse([]byte(`{"seed":18446744073709551615,"s":"18446744073709551614"}`))
	if err != nil {
		t.Fatal(err)
	}
	var r Reader
	m := v.(map[string]any)
	if got := r.Uint(m, "seed", false); got != 1<<64-1 {
		t.Errorf("seed = %d", got)
	}
	if got := r.Uint(m, "s", true); got != 1<<64-2 {
		t.Errorf("quoted seed = %d", got)
	}
	if r.Err != nil {
		t.Error(r.Err)
	}
}

func TestReader(t *testing.T) {
	v, err := Parse([]byte(`{"s":"x","b":true,"f":1.5,"i":-3,"a":[1,2],"ss":["p","q"],"o":{"k":null},"z":null}`))
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	var r Reader
	if r.String(m, "s") != "x" || !r.Bool(m, "b") || r.Float(m, "f") != 1.5 || r.Int(m, "i") != -3 ||
		!reflect.DeepEqual(r.Floats(m, "a"), []float64{1, 2}) || !reflect.DeepEqual(r.Strings(m, "ss"), []string{"p", "q"}) ||
		r.Object(m, "o") == nil || r.String(m, "missing") != "" || r.Float(m, "z") != 0 || r.Array(m, "z") != nil {
		t.Errorf("a field read wrong")
	}
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	// Wrong types, and numbers out of range, are errors.
	for _, read := range []func(*Reader){
		func(r *Reader) { r.String(m, "b") },
		func(r *Reader) { r.Bool(m, "s") },
		func(r *Reader) { r.Float(m, "s") },
		func(r *Reader) { r.Int(m, "f") },
		func(r *Reader) { r.Uint(m, "i", false) },
		func(r *Reader) { r.Uint(m, "f", true) },
		func(r *Reader) { r.Object(m, "a") },
		func(r *Reader) { r.Array(m, "o") },
		func(r *Reader) { r.Floats(m, "ss") },
		func(r *Reader) { r.Strings(m, "a") },
	} {
		var r Reader
		if read(&r); r.Err == nil {
			t.Errorf("no error for a wrong type")
		}
	}
}
