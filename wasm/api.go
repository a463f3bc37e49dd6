//go:build js && wasm

package main

// The JavaScript side of the API: converts JavaScript values to plain Go
// values, hands them to the Registry (registry.go) and returns its JSON
// answers.
//
// An argument may be hostile: a Proxy whose traps throw, an object whose
// getters throw or call the API again, a string of a billion characters, an
// object with a million keys, a bigint. Two rules keep the instance alive:
//
//  1. JavaScript code of the caller runs only inside Call, Invoke or New,
//     which wasm_exec.js wraps in try/catch. Get, Index, Length,
//     InstanceOf and String on an object run outside any try/catch, so a
//     throw there unwinds through the Go program's stack and corrupts it;
//     they are used only on values that cannot run code: strings, and the
//     plain arrays and descriptors that built-ins make.
//  2. Nothing is copied before its size is known: the arity is checked
//     before any argument is read, a string's length before it is copied,
//     an object's key count before its keys are, a key's length before it
//     is compared.
//
// Properties are read with Reflect.getOwnPropertyDescriptor: a getter is
// never called (it is refused), and inherited properties are not seen.

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"syscall/js"

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
	conv, err := newConverter()
	if err != nil {
		return fmt.Errorf("registerAPI: %w", err)
	}
	global := safejs.Global()
	api, err := conv.object.New()
	if err != nil {
		return fmt.Errorf("registerAPI: cannot make the API object: %w", err)
	}
	for _, m := range Methods {
		fn, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			return conv.call(m, args)
		})
		if err != nil {
			return fmt.Errorf("registerAPI: %s: %w", m.Name, err)
		}
		if err := api.Set(m.Name, fn); err != nil {
			return fmt.Errorf("registerAPI: %s: %w", m.Name, err)
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
			return fmt.Errorf("registerAPI: __raftPlaygroundReady threw %s", conv.thrown(err))
		}
	}
	return nil
}

// converter turns JavaScript values into the plain Go values the Registry
// takes: undefined → Undefined{}, null → nil, booleans, numbers and
// strings as bool, float64 and string; a string longer than
// MaxStringUnits → LongString. An array becomes []any and a plain object
// map[string]any of its own enumerable data properties, MaxDepth levels
// deep; anything else becomes an Opaque that only describes itself.
//
// It holds the built-in functions it calls, read once at start and invoked
// directly, so that a caller who later replaces Object.keys,
// Function.prototype.call or the like cannot reach into the conversion.
type converter struct {
	object         safejs.Value // Object (called as a function: a string's wrapper)
	keys           safejs.Value // Object.keys
	hasOwn         safejs.Value // Object.hasOwn
	isArray        safejs.Value // Array.isArray
	getOwnProperty safejs.Value // Reflect.getOwnPropertyDescriptor
	getPrototype   safejs.Value // Reflect.getPrototypeOf
	reflectGet     safejs.Value // Reflect.get
	apply          safejs.Value // Reflect.apply
	bigintValueOf  safejs.Value // BigInt.prototype.valueOf
	stringOf       safejs.Value // String (called as a function)
	stringValueOf  safejs.Value // String.prototype.valueOf
	isWellFormed   safejs.Value // String.prototype.isWellFormed (undefined in older browsers)
	isView         safejs.Value // ArrayBuffer.isView
	errorProto     safejs.Value // Error.prototype
	isPrototypeOf  safejs.Value // Object.prototype.isPrototypeOf
	// depth counts the calls in progress: a trap that calls the API calls
	// it again inside a call.
	depth int
}

// MaxCallDepth bounds how deeply calls of the API may nest (a Proxy trap
// that calls the API, whose argument has a trap that calls it again, ...),
// so that such a chain ends with an error rather than a stack overflow.
const MaxCallDepth = 8

// newConverter reads the built-ins a converter calls.
func newConverter() (*converter, error) {
	c := &converter{}
	global := safejs.Global()
	var err error
	get := func(v safejs.Value, path ...string) safejs.Value {
		for _, p := range path {
			if err == nil {
				v, err = v.Get(p)
			}
		}
		return v
	}
	c.object = get(global, "Object")
	c.keys = get(global, "Object", "keys")
	c.hasOwn = get(global, "Object", "hasOwn")
	c.isArray = get(global, "Array", "isArray")
	c.getOwnProperty = get(global, "Reflect", "getOwnPropertyDescriptor")
	c.getPrototype = get(global, "Reflect", "getPrototypeOf")
	c.reflectGet = get(global, "Reflect", "get")
	c.apply = get(global, "Reflect", "apply")
	c.bigintValueOf = get(global, "BigInt", "prototype", "valueOf")
	c.stringOf = get(global, "String")
	c.stringValueOf = get(global, "String", "prototype", "valueOf")
	c.isWellFormed = get(global, "String", "prototype", "isWellFormed")
	c.isView = get(global, "ArrayBuffer", "isView")
	c.errorProto = get(global, "Error", "prototype")
	c.isPrototypeOf = get(global, "Object", "prototype", "isPrototypeOf")
	return c, err
}

// call converts the arguments and runs the method; it always returns a JSON
// answer, even if the conversion itself panics.
func (c *converter) call(m Method, args []safejs.Value) (answer string) {
	defer func() {
		if p := recover(); p != nil {
			answer = ErrorJSON(m.Name, fmt.Errorf("internal error: %v", p))
		}
	}()
	if len(args) > len(m.Params) {
		return ErrorJSON(m.Name, ArityError(m, len(args)))
	}
	if c.depth >= MaxCallDepth {
		return ErrorJSON(m.Name, fmt.Errorf("called inside %d other calls of the API (from a Proxy trap?); at most %d may nest", c.depth, MaxCallDepth))
	}
	c.depth++
	defer func() { c.depth-- }()
	goArgs := make([]any, len(args))
	for i, a := range args {
		v, err := c.value(a, 0)
		if err != nil {
			return ErrorJSON(m.Name, fmt.Errorf("cannot read %s: %w", m.Params[i], err))
		}
		goArgs[i] = v
	}
	return registry.Call(m.Name, goArgs)
}

// typeOf is v.Type(), except that it does not panic on a bigint, which
// syscall/js does not know (its "bad type flag").
func typeOf(v safejs.Value) (t safejs.Type, known bool) {
	defer func() {
		if recover() != nil {
			known = false
		}
	}()
	return v.Type(), true
}

// value converts one JavaScript value; depth is how many objects enclose it.
func (c *converter) value(v safejs.Value, depth int) (any, error) {
	t, known := typeOf(v)
	if !known {
		return c.unknown(v), nil
	}
	switch t {
	case safejs.TypeUndefined:
		return Undefined{}, nil
	case safejs.TypeNull:
		return nil, nil
	case safejs.TypeBoolean:
		return v.Bool()
	case safejs.TypeNumber:
		return v.Float()
	case safejs.TypeString:
		return c.str(v)
	case safejs.TypeFunction:
		return Opaque("a function"), nil
	case safejs.TypeSymbol:
		return Opaque("a symbol"), nil
	case safejs.TypeObject:
		return c.fromObject(v, depth)
	}
	return Opaque("a value of unknown type"), nil
}

// unknown describes a value whose type syscall/js does not know: a bigint
// (with its digits when short), or the odd host object whose typeof is
// "undefined" (document.all).
func (c *converter) unknown(v safejs.Value) Opaque {
	// valueOf throws unless v is a bigint; String then writes its digits
	// without calling any method of v.
	if _, err := c.apply.Invoke(c.bigintValueOf, v, []any{}); err != nil {
		return Opaque("a value of unknown type")
	}
	digits, err := c.stringOf.Invoke(v)
	if err != nil {
		return Opaque("a bigint; pass a number instead")
	}
	if n, err := c.strLen(digits); err == nil && n <= 40 {
		if s, err := digits.String(); err == nil {
			return Opaque("a bigint (" + s + "n); pass a number instead")
		}
	}
	return Opaque("a bigint; pass a number instead")
}

// str copies a string, unless it is longer than MaxStringUnits or holds a
// lone surrogate, which UTF-8 cannot hold: copied, it would silently become
// U+FFFD, and a command, key or note would not be what was given.
func (c *converter) str(v safejs.Value) (any, error) {
	n, err := c.strLen(v)
	if err != nil {
		return nil, err
	}
	if n > MaxStringUnits {
		return LongString(n), nil
	}
	if c.isWellFormed.Type() == safejs.TypeFunction {
		if ok, err := c.apply.Invoke(c.isWellFormed, v, []any{}); err == nil {
			if b, _ := ok.Bool(); !b {
				return Opaque("a string with a lone surrogate (not well-formed UTF-16, which UTF-8 cannot hold)"), nil
			}
		}
	}
	return v.String()
}

// strLen is the length of a string primitive in UTF-16 code units, read
// without copying it: syscall/js reads lengths of objects only, so it reads
// that of the String wrapper Object(v) makes, whose length no code can
// change.
func (c *converter) strLen(v safejs.Value) (int, error) {
	wrapper, err := c.object.Invoke(v)
	if err != nil {
		return 0, err
	}
	return wrapper.Length()
}

// fromObject converts an array or an object, or describes it when it is
// nested deeper than MaxDepth.
func (c *converter) fromObject(v safejs.Value, depth int) (any, error) {
	isArray, err := c.isArray.Invoke(v) // a revoked Proxy throws
	if err != nil {
		return nil, fmt.Errorf("checking for an array (Array.isArray) threw %s", c.thrown(err))
	}
	array, err := isArray.Bool()
	if err != nil {
		return nil, err
	}
	if depth >= MaxDepth {
		if array {
			return Opaque("an array"), nil
		}
		return Opaque("an object"), nil
	}
	if array {
		return c.fromArray(v, depth)
	}
	return c.fromPlain(v, depth)
}

// fromArray converts an array of at most MaxElements elements.
func (c *converter) fromArray(v safejs.Value, depth int) (any, error) {
	lv, found, err := c.own(v, "length")
	if err != nil || !found {
		return nil, errors.New("an array without a length")
	}
	n, err := lv.Float()
	if err != nil || n != math.Trunc(n) || n < 0 {
		return nil, errors.New("an array whose length is not a count")
	}
	if n > MaxElements {
		return Opaque(fmt.Sprintf("an array of %.0f elements (at most %d are accepted)", n, MaxElements)), nil
	}
	out := make([]any, int(n))
	for i := range out {
		e, found, err := c.own(v, strconv.Itoa(i))
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		if !found {
			out[i] = Undefined{} // a hole reads as undefined
			continue
		}
		if out[i], err = c.value(e, depth+1); err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return out, nil
}

// fromPlain converts an object of at most MaxKeys own enumerable string
// keys, none longer than MaxKeyUnits; a longer key is kept as a name the
// registry refuses, without being copied.
func (c *converter) fromPlain(v safejs.Value, depth int) (any, error) {
	// A typed array's or a String object's index keys exist only when
	// listed: Object.keys would make one string per element (a billion for
	// a 1 GB buffer), so they are refused before.
	if view, err := c.isView.Invoke(v); err != nil {
		return nil, fmt.Errorf("checking for a typed array (ArrayBuffer.isView) threw %s", c.thrown(err))
	} else if b, _ := view.Bool(); b {
		return Opaque("a typed array or DataView"), nil
	}
	if _, err := c.apply.Invoke(c.stringValueOf, v, []any{}); err == nil {
		return Opaque("a String object"), nil
	}
	if kind, err := c.notPlain(v); err != nil || kind != "" {
		return Opaque(kind), err
	}
	keys, err := c.keys.Invoke(v) // runs a Proxy's ownKeys trap
	if err != nil {
		return nil, fmt.Errorf("listing its keys (Object.keys) threw %s", c.thrown(err))
	}
	n, err := keys.Length() // a genuine array that Object.keys made
	if err != nil {
		return nil, err
	}
	if n > MaxKeys {
		return Opaque(fmt.Sprintf("an object with %d keys (at most %d are accepted)", n, MaxKeys)), nil
	}
	m := make(map[string]any, n)
	for i := range n {
		k, err := keys.Index(i)
		if err != nil {
			return nil, err
		}
		units, err := c.strLen(k)
		if err != nil {
			return nil, err
		}
		if units > MaxKeyUnits {
			return nil, fmt.Errorf("a key of %d characters (keys have at most %d)", units, MaxKeyUnits)
		}
		key, err := k.String()
		if err != nil {
			return nil, err
		}
		prop, found, err := c.own(v, key)
		if err != nil {
			return nil, fmt.Errorf("property %q: %w", key, err)
		}
		if !found {
			continue // deleted by a trap since Object.keys listed it
		}
		if m[key], err = c.value(prop, depth+1); err != nil {
			return nil, fmt.Errorf("property %q: %w", key, err)
		}
	}
	return m, nil
}

// notPlain describes v when it is not a plain object, "" when it is. A
// plain object's prototype is null or an Object.prototype (of any realm:
// one whose own prototype is null). Anything else, a Date, a Map, a Number
// object, a class's instance or an object that inherits its keys, would
// read as an object of its own enumerable keys, most often as {}, and so
// be taken silently for the defaults.
func (c *converter) notPlain(v safejs.Value) (string, error) {
	proto, err := c.getPrototype.Invoke(v) // runs a Proxy's getPrototypeOf trap
	if err != nil {
		return "", fmt.Errorf("reading its prototype (Reflect.getPrototypeOf) threw %s", c.thrown(err))
	}
	if proto.IsNull() {
		return "", nil
	}
	above, err := c.getPrototype.Invoke(proto)
	if err != nil {
		return "", fmt.Errorf("reading its prototype (Reflect.getPrototypeOf) threw %s", c.thrown(err))
	}
	if above.IsNull() {
		return "", nil
	}
	if name := c.className(proto); name != "" {
		return "an instance of " + name + " (only plain objects are accepted)", nil
	}
	return "an object that inherits from another (only plain objects are accepted)", nil
}

// className is the name of the constructor proto belongs to, read from
// own data properties only (proto.constructor.name), or "" when there is
// none or it is odd.
func (c *converter) className(proto safejs.Value) string {
	ctor, found, err := c.own(proto, "constructor")
	if err != nil || !found {
		return ""
	}
	if t, known := typeOf(ctor); !known || t != safejs.TypeFunction {
		return ""
	}
	name, found, err := c.own(ctor, "name")
	if err != nil || !found {
		return ""
	}
	if t, known := typeOf(name); !known || t != safejs.TypeString {
		return ""
	}
	if n, err := c.strLen(name); err != nil || n == 0 || n > 40 {
		return ""
	}
	s, err := name.String()
	if err != nil {
		return ""
	}
	return s
}

// own reads v's own property key without calling a getter: found is false
// when there is none, and an accessor property is an error.
func (c *converter) own(v safejs.Value, key string) (value safejs.Value, found bool, err error) {
	desc, err := c.getOwnProperty.Invoke(v, key)
	if err != nil {
		return value, false, fmt.Errorf("reading it threw %s", c.thrown(err))
	}
	if desc.IsUndefined() {
		return value, false, nil
	}
	// desc is a fresh ordinary object made by the engine, with data
	// properties only; hasOwn keeps an Object.prototype.get out of it.
	accessor, err := c.hasOwn.Invoke(desc, "get")
	if err != nil {
		return value, false, err
	}
	if b, _ := accessor.Bool(); b {
		return value, false, errors.New("it is a getter; only plain data properties are accepted")
	}
	value, err = c.reflectGet.Invoke(desc, "value")
	return value, err == nil, err
}

// thrown describes what a JavaScript call threw, without running the
// thrown value's code: its own message when it is an Error, else its type.
// (js.Error's own Error method reads .message with Get, which a hostile
// thrown object could throw from.)
func (c *converter) thrown(err error) string {
	var jsErr js.Error
	if !errors.As(err, &jsErr) {
		return "(" + err.Error() + ")"
	}
	v := safejs.Safe(jsErr.Value)
	t, known := typeOf(v)
	switch {
	case !known:
		return string(c.unknown(v))
	case t == safejs.TypeString:
		s, err := c.str(v)
		if err != nil {
			return "a string"
		}
		return describe(s)
	case t != safejs.TypeObject:
		s, _ := c.value(v, MaxDepth)
		return describe(s)
	}
	isErr, err := c.apply.Invoke(c.isPrototypeOf, c.errorProto, []any{v})
	if b, _ := isErr.Bool(); err != nil || !b {
		return "an object that is not an Error"
	}
	msg, found, err := c.own(v, "message")
	if err != nil || !found {
		return "an Error"
	}
	s, err := c.value(msg, MaxDepth)
	if err != nil {
		return "an Error"
	}
	if str, ok := s.(string); ok {
		return "an Error: " + truncate(str, 200)
	}
	return "an Error with a message that is " + describe(s)
}
