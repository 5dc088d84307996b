package typedstate

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// dynamicValue is tfprotov6.NewDynamicValue, byte for byte: the same
// encoder calls as tftypes' marshalMsgPack, without the attribute path it
// allocates at every value and the key sort it repeats for every object of
// a list, which cost a large state more than the rest of a read.
// What it does not encode goes to tfprotov6: DynamicPseudoType, and maps,
// which tftypes writes in Go's random map order.
func dynamicValue(typ tftypes.Type, v tftypes.Value) (tfprotov6.DynamicValue, error) {
	var buf bytes.Buffer
	e := stateEncoder{enc: msgpack.NewEncoder(&buf)}
	if err := e.encode(typ, v, nil); err != nil {
		if errors.Is(err, errNotEncoded) {
			return tfprotov6.NewDynamicValue(typ, v)
		}
		return tfprotov6.DynamicValue{}, err
	}
	return tfprotov6.DynamicValue{MsgPack: buf.Bytes()}, nil
}

var errNotEncoded = errors.New("not encoded here")

type stateEncoder struct {
	enc    *msgpack.Encoder
	number big.Float // reused: As copies into it
}

// unknownMsgpack is what tftypes writes for an unknown value.
type unknownMsgpack struct{}

func (unknownMsgpack) MarshalMsgpack() ([]byte, error) { return []byte{0xd4, 0, 0}, nil }

// encode writes v of type typ; keys are typ's attribute names, sorted, when
// the caller has them (the elements of a list share one type).
func (e *stateEncoder) encode(typ tftypes.Type, v tftypes.Value, keys []string) error {
	if typ.Is(tftypes.DynamicPseudoType) {
		return errNotEncoded
	}
	if !v.IsKnown() {
		return e.enc.Encode(unknownMsgpack{})
	}
	if v.IsNull() {
		return e.enc.EncodeNil()
	}
	switch typ := typ.(type) {
	case tftypes.List:
		return e.encodeElements(typ.ElementType, v)
	case tftypes.Set:
		return e.encodeElements(typ.ElementType, v)
	case tftypes.Tuple:
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return err
		}
		if err := e.enc.EncodeArrayLen(len(typ.ElementTypes)); err != nil {
			return err
		}
		for i, elem := range elems {
			if err := e.encode(typ.ElementTypes[i], elem, nil); err != nil {
				return err
			}
		}
		return nil
	case tftypes.Object:
		if keys == nil {
			keys = sortedKeys(typ.AttributeTypes)
		}
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			return err
		}
		if err := e.enc.EncodeMapLen(len(keys)); err != nil {
			return err
		}
		for _, k := range keys {
			attr, ok := attrs[k]
			if !ok {
				return fmt.Errorf("attribute %q: no value set", k)
			}
			if err := e.enc.EncodeString(k); err != nil {
				return err
			}
			if err := e.encode(typ.AttributeTypes[k], attr, nil); err != nil {
				return err
			}
		}
		return nil
	}
	switch {
	case typ.Is(tftypes.String):
		var s string
		if err := v.As(&s); err != nil {
			return err
		}
		return e.enc.EncodeString(s)
	case typ.Is(tftypes.Bool):
		var b bool
		if err := v.As(&b); err != nil {
			return err
		}
		return e.enc.EncodeBool(b)
	case typ.Is(tftypes.Number):
		return e.encodeNumber(v)
	}
	return errNotEncoded
}

// encodeElements writes a list or set; objects share one sort of their keys.
func (e *stateEncoder) encodeElements(elemType tftypes.Type, v tftypes.Value) error {
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		return err
	}
	if err := e.enc.EncodeArrayLen(len(elems)); err != nil {
		return err
	}
	var keys []string
	if obj, ok := elemType.(tftypes.Object); ok {
		keys = sortedKeys(obj.AttributeTypes)
	}
	for _, elem := range elems {
		if err := e.encode(elemType, elem, keys); err != nil {
			return err
		}
	}
	return nil
}

// encodeNumber chooses as tftypes does: an exact int64, else an exact
// float64, else the decimal text.
func (e *stateEncoder) encodeNumber(v tftypes.Value) error {
	n := &e.number
	if err := v.As(n); err != nil {
		return err
	}
	if n.IsInf() {
		return e.enc.EncodeFloat64(math.Inf(n.Sign()))
	}
	if iv, acc := n.Int64(); acc == big.Exact {
		return e.enc.EncodeInt(iv)
	}
	if fv, acc := n.Float64(); acc == big.Exact && !n.IsInt() {
		return e.enc.EncodeFloat64(fv)
	}
	return e.enc.EncodeString(n.Text('f', -1))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
