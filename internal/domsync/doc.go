// Package domsync renders Vugu components into the page, sending the
// browser only what changed since the previous pass.
//
// Vugu v0.4.0's domrender re-sends every attribute, text and event
// listener of every element on every pass (and its "remove the others"
// instructions), about 11 ms a pass for the playground's 574 elements.
// Here a [Differ] keeps a mirror of what the last pass rendered (each
// node's tag or text, attributes, inner markup, listeners and children)
// and compares the next pass's [vugu.BuildResults] with it, position by
// position as domrender does: components are followed to their output
// (BuildResults.ResultFor) and templates replaced by their children. The
// differences become a short list of ops (ops.go): create a node, set or
// remove an attribute, set a text, add or remove a listener, append,
// replace or remove a child. Every node has a numeric id, so the applier
// never walks the page to find one.
//
// The Differ is plain Go and is tested natively. In the browser a
// [Renderer] copies each pass's ops into one buffer and calls the applier
// once; the applier, static/domsync.js, is a file that index.html loads
// before the WebAssembly, so the page needs no eval under its
// Content-Security-Policy. It keeps the node of each id and listens with
// one function, which forwards an event to Go with the element's id and
// a summary of the event: its type, key and pointer fields, and its
// target's value, checked, selectedIndex, scrollTop, scrollLeft, id and
// tagName (what vugu.DOMEvent's Prop methods read). PreventDefault,
// StopPropagation and JSEvent work while the handler runs. The Renderer's
// EventEnv and EventWait stand in for domrender's: handlers run with the
// write lock held, and requests for a render made before a pass starts
// make one pass. A pass's changes go to the page in a task after the one
// that built it, so an animation frame that asks for a pass (and builds
// it) is not also held up by its diff and DOM changes.
//
// Live state survives: an element is only touched where the build changed
// it, so focus, a caret in a text box, an open select and the page's own
// attributes and children (a canvas put into an element built empty)
// stay. Attributes are set with setAttribute, as domrender does; an
// input's value attribute (:value) also sets its live value, which the
// browser would otherwise stop showing once the user edited the field (a
// scrubber dragged once stood still), except in a focused text field,
// where the user may be typing ahead of the last pass and a new value
// would move the caret.
//
// Left out, because the playground uses none of them (each is an error,
// not a silent difference): components' <style> and <script> tags
// (BuildOut.CSS and JS; the CSS is in static/style.css), namespaced
// elements such as SVG, .prop bindings (VGNode.Prop), vg-js-create and
// vg-js-populate, mounting a whole <html> document, and the Rendered
// lifecycle callback. Lists are matched by position, not by vg-key (the
// build output does not carry the key): an element inserted in front of a
// list rewrites the rows after it, as it did before.
package domsync
