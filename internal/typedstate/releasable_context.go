package typedstate

import (
	"context"
	"sync/atomic"
	"time"
)

// releasableContext is its parent until released, and then an empty,
// cancelled context that holds nothing but the parent's Done channel.
type releasableContext struct {
	parent atomic.Pointer[context.Context]
	done   <-chan struct{}
}

func releasable(parent context.Context) (context.Context, func()) {
	c := &releasableContext{done: parent.Done()}
	c.parent.Store(&parent)
	return c, func() { c.parent.Store(nil) }
}

func (c *releasableContext) Deadline() (time.Time, bool) {
	if p := c.parent.Load(); p != nil {
		return (*p).Deadline()
	}
	return time.Time{}, false
}

// Done is the parent's channel, so that contexts derived from this one are
// cancelled with the RPC as before.
func (c *releasableContext) Done() <-chan struct{} { return c.done }

func (c *releasableContext) Err() error {
	if p := c.parent.Load(); p != nil {
		return (*p).Err()
	}
	return context.Canceled
}

func (c *releasableContext) Value(key any) any {
	if p := c.parent.Load(); p != nil {
		return (*p).Value(key)
	}
	return nil
}
