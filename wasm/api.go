//go:build js && wasm

package main

// The JavaScript side of the API: converts JavaScript values to plain Go
// values, hands them to the Registry (registry.go) and returns its JSON
// answers. All JavaScript access goes through safejs, so a failing call is an
// error here, never a panic.

import (
	"errors"
	"fmt"

	"github.com/hack-pad/safejs"
)

// registry holds every cluster made through the JavaScript API.
var registry = NewRegistry()

// registerAPI builds the API object, publishes it as
// globalThis.__raftPlaygroundAPI and hands it to
// globalThis.__raftPlaygroundReady when the loader defined that function.
// The functions it registers live as long as the program, so they are never
// released.
func registerAPI() error {
	global := safejs.Global()
	object, err := global.Get("Object")
	if err != nil {
		return fmt.Errorf("registerAPI: %w", err)
	}
	array, err := global.Get("Array")
	if err != nil {
		return fmt.Errorf("registerAPI: %w", err)
	}
	conv := &converter{objectCtor: object, arrayCtor: array}

	api, err := object.New()
	if err != nil {
		return fmt.Errorf("registerAPI: cannot make the API object: %w", err)
	}
	for _, m := range Methods {
		name := m.Name
		fn, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			return conv.call(name, args)
		})
		if err != nil {
			return fmt.Errorf("registerAPI: %s: %w", name, err)
		}
		if err := api.Set(name, fn); err != nil {
			return fmt.Errorf("registerAPI: %s: %w", name, err)
		}
	}
	if err := api.Set("version", Version()); err != nil {
		return fmt.Errorf("registerAPI: version: %w", err)
	}
	if err := global.Set("__raftPlaygroundAPI", api); err != nil {
		return fmt.Errorf("registerAPI: %w", err)
	}

	ready, err := global.Get("__raftPlaygroundReady")
	if err != nil {
		return fmt.Errorf("registerAPI: %w", err)
	}
	if ready.Type() == safejs.TypeFunction {
		if _, err := ready.Invoke(api); err != nil {
			return fmt.Errorf("registerAPI: __raftPlaygroundReady threw: %w", err)
		}
	}
	return nil
}

// converter turns JavaScript values into the plain Go values the Registry
// takes: undefined → Undefined{}, null → nil, and booleans, numbers and
// strings as bool, float64 and string. A plain object becomes a
// map[string]any of its own enumerable properties, converted one level deep;
// anything else becomes an Opaque that only describes itself.
type converter struct {
	objectCtor safejs.Value // globalThis.Object
	arrayCtor  safejs.Value // globalThis.Array
}

// call converts the arguments and runs the method; it always returns a JSON
// answer, even if the conversion itself panics.
func (c *converter) call(method string, args []safejs.Value) (answer string) {
	defer func() {
		if p := recover(); p != nil {
			answer = ErrorJSON(method, fmt.Errorf("internal error: %v", p))
		}
	}()
	goArgs := make([]any, len(args))
	for i, a := range args {
		v, err := c.value(a, true)
		if err != nil {
			return ErrorJSON(method, fmt.Errorf("cannot read argument %d: %w", i+1, err))
		}
		goArgs[i] = v
	}
	return registry.Call(method, goArgs)
}

// value converts one JavaScript value; objects are opened only when deep.
func (c *converter) value(v safejs.Value, deep bool) (any, error) {
	switch v.Type() {
	case safejs.TypeUndefined:
		return Undefined{}, nil
	case safejs.TypeNull:
		return nil, nil
	case safejs.TypeBoolean:
		return v.Bool()
	case safejs.TypeNumber:
		return v.Float()
	case safejs.TypeString:
		return v.String()
	case safejs.TypeFunction:
		return Opaque("a function"), nil
	case safejs.TypeSymbol:
		return Opaque("a symbol"), nil
	case safejs.TypeObject:
		return c.fromObject(v, deep)
	}
	return nil, errors.New("value of unknown type")
}

// object converts an object: an array or a nested object is only described.
func (c *converter) fromObject(v safejs.Value, deep bool) (any, error) {
	isArray, err := c.arrayCtor.Call("isArray", v)
	if err != nil {
		return nil, err
	}
	if b, err := isArray.Bool(); err != nil {
		return nil, err
	} else if b {
		return Opaque("an array"), nil
	}
	if !deep {
		return Opaque("an object"), nil
	}
	keys, err := c.objectCtor.Call("keys", v)
	if err != nil {
		return nil, err
	}
	n, err := keys.Length()
	if err != nil {
		return nil, err
	}
	m := make(map[string]any, n)
	for i := range n {
		k, err := keys.Index(i)
		if err != nil {
			return nil, err
		}
		key, err := k.String()
		if err != nil {
			return nil, err
		}
		prop, err := v.Get(key)
		if err != nil {
			return nil, fmt.Errorf("property %q: %w", key, err)
		}
		if m[key], err = c.value(prop, false); err != nil {
			return nil, fmt.Errorf("property %q: %w", key, err)
		}
	}
	return m, nil
}
