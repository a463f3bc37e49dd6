//go:build js && wasm

package domsync

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/hack-pad/safejs"
	"github.com/vugu/vugu"
)

// Renderer renders Vugu build results into the page through the applier
// (static/domsync.js), and hands the page's DOM events to the handlers of
// the last pass. It stands where domrender.JSRenderer would.
type Renderer struct {
	// diff is the mirror of the page; mu guards it.
	diff Differ
	// mu is the event environment's lock: event handlers hold it for
	// writing, builds for reading, and Render while it diffs.
	mu sync.RWMutex
	// wake holds a request for a render pass; requests made before the
	// pass starts make one pass.
	wake chan bool
	// env locks mu and asks for passes through wake.
	env *vugu.EventEnvImpl
	// applier is the JavaScript object static/domsync.js installs.
	applier safejs.Value
	// buf is the applier's Uint8Array the ops are copied into.
	buf safejs.Value
	// bufLen is buf's length in bytes; 0 before the first pass.
	bufLen int
	// onEvent is the Go function the applier calls with each DOM event.
	onEvent safejs.Func
	// resume is the Go function a timeout calls to end Render's wait for
	// the next task; it sends on resumed.
	resume safejs.Func
	// resumed receives when the task Render waits for has come.
	resumed chan struct{}
}

// New starts a renderer whose root element replaces the page's element
// with id mountID on the first pass.
func New(mountID string) (*Renderer, error) {
	applier, err := safejs.Global().Get("domsync")
	if err != nil {
		return nil, err
	}
	if applier.IsUndefined() || applier.IsNull() {
		return nil, errors.New("domsync: the page did not load domsync.js")
	}
	r := &Renderer{wake: make(chan bool, 1), applier: applier, resumed: make(chan struct{}, 1)}
	r.env = vugu.NewEventEnvImpl(&r.mu, r.wake)
	if r.onEvent, err = safejs.FuncOf(r.handle); err != nil {
		return nil, err
	}
	if r.resume, err = safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		r.resumed <- struct{}{}
		return nil
	}); err != nil {
		r.onEvent.Release()
		return nil, err
	}
	if _, err := applier.Call("start", mountID, r.onEvent); err != nil {
		r.Release()
		return nil, err
	}
	return r, nil
}

// EventEnv is the lock that event handlers, the build and background work
// share; UnlockRender asks for a pass.
func (r *Renderer) EventEnv() vugu.EventEnv { return r.env }

// EventWait blocks until a pass is asked for. It always reports true: the
// page outlives the program.
func (r *Renderer) EventWait() bool {
	<-r.wake
	return true
}

// Render brings the page up to results, sending only what changed since
// the previous pass. It first lets the browser end the task it was called
// in (while the page plays, the animation frame's that asked for the
// pass, which also built it), so that frame is drawn without waiting for
// the diff and the DOM's changes: those run in a task of their own. It
// diffs with the lock held, so no event handler runs meanwhile, and
// applies without it, so an event the changes fire at once can be
// handled.
func (r *Renderer) Render(results *vugu.BuildResults) error {
	r.nextTask()
	r.mu.Lock()
	ops, err := r.diff.Diff(results)
	r.mu.Unlock()
	if err != nil || len(ops) == 0 {
		return err
	}
	if len(ops) > r.bufLen {
		size := max(len(ops), 2*r.bufLen, 1<<14)
		if r.buf, err = r.applier.Call("buffer", size); err != nil {
			return err
		}
		r.bufLen = size
	}
	if _, err := safejs.CopyBytesToJS(r.buf, ops); err != nil {
		return err
	}
	_, err = r.applier.Call("apply", r.buf, len(ops))
	return err
}

// nextTask returns in a task the browser runs after the current one.
// Should the timeout not start, it returns at once.
func (r *Renderer) nextTask() {
	if _, err := safejs.Global().Call("setTimeout", r.resume, 0); err != nil {
		return
	}
	<-r.resumed
}

// Release lets go of the functions JavaScript calls.
func (r *Renderer) Release() {
	r.onEvent.Release()
	r.resume.Release()
}

// handle runs the handler of one DOM event: args are the element's id,
// the event's type, whether the listener captures, and the event's
// summary as JSON (static/domsync.js says which properties it holds).
func (r *Renderer) handle(_ safejs.Value, args []safejs.Value) any {
	id, typ, capture, summary, err := eventArgs(args)
	if err != nil {
		// Only a bug in domsync.js gets here; a panic would end the program.
		fmt.Fprintln(os.Stderr, "domsync: an event from the page not handled:", err)
		return nil
	}
	ev := vugu.NewDOMEvent(r.env, summary)
	if r.run(uint32(id), typ, capture, ev) {
		select {
		case r.wake <- true:
		default:
		}
	}
	return nil
}

// run calls the handler for the event with the lock held, and reports
// whether there was one.
func (r *Renderer) run(id uint32, typ string, capture bool, ev vugu.DOMEvent) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.diff.Handler(id, typ, capture)
	if f == nil {
		return false
	}
	f(ev)
	return true
}

func eventArgs(args []safejs.Value) (id int, typ string, capture bool, summary map[string]any, err error) {
	if len(args) != 4 {
		return 0, "", false, nil, fmt.Errorf("%d arguments, not 4", len(args))
	}
	if id, err = args[0].Int(); err != nil {
		return
	}
	if typ, err = args[1].String(); err != nil {
		return
	}
	if capture, err = args[2].Bool(); err != nil {
		return
	}
	text, err := args[3].String()
	if err != nil {
		return
	}
	summary, err = summaryOf(text)
	return
}
