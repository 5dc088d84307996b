package typedstate

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestDynamicValueIsTfprotov6s holds dynamicValue to tfprotov6.NewDynamicValue
// byte for byte, at each boundary where msgpack changes encoding.
func TestDynamicValueIsTfprotov6s(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	num := func(n any) tftypes.Value { return tftypes.NewValue(tftypes.Number, n) }
	huge, _ := new(big.Float).SetString("123456789012345678901234567890")
	ints := func(n int) tftypes.Value {
		elems := make([]tftypes.Value, n)
		for i := range elems {
			elems[i] = num(int64(i * 7919))
		}
		return tftypes.NewValue(tftypes.List{ElementType: tftypes.Number}, elems)
	}
	wide := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
	wideValues := map[string]tftypes.Value{}
	for i := range 20 {
		name := fmt.Sprintf("attr_%02d", 19-i)
		wide.AttributeTypes[name] = tftypes.String
		wideValues[name] = str(strings.Repeat("x", i))
		if i%4 == 0 {
			wideValues[name] = tftypes.NewValue(tftypes.String, nil)
		}
	}
	pair := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"b": tftypes.Bool, "n": tftypes.Number}}
	pairs := tftypes.List{ElementType: pair}
	tuple := tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.Bool}}
	values := map[string]tftypes.Value{
		"null string":      tftypes.NewValue(tftypes.String, nil),
		"unknown":          tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"empty string":     str(""),
		"short string":     str("a"),
		"31 bytes":         str(strings.Repeat("s", 31)),
		"32 bytes":         str(strings.Repeat("s", 32)),
		"255 bytes":        str(strings.Repeat("s", 255)),
		"256 bytes":        str(strings.Repeat("s", 256)),
		"65536 bytes":      str(strings.Repeat("s", 65536)),
		"unicode":          str("dépl\u00f8y ✓"),
		"true":             tftypes.NewValue(tftypes.Bool, true),
		"false":            tftypes.NewValue(tftypes.Bool, false),
		"zero":             num(int64(0)),
		"small ints":       tftypes.NewValue(tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.Number, tftypes.Number, tftypes.Number, tftypes.Number, tftypes.Number, tftypes.Number}}, []tftypes.Value{num(int64(127)), num(int64(128)), num(int64(-32)), num(int64(-33)), num(int64(math.MaxInt64)), num(int64(math.MinInt64))}),
		"milliseconds":     num(int64(1764322200123)),
		"float":            num(1.5),
		"tenth":            num(0.1),
		"beyond int64":     num(huge),
		"infinity":         num(math.Inf(1)),
		"-infinity":        num(math.Inf(-1)),
		"null number":      tftypes.NewValue(tftypes.Number, nil),
		"15 elements":      ints(15),
		"16 elements":      ints(16),
		"65536 elements":   ints(65536),
		"empty list":       tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{}),
		"null list":        tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, nil),
		"unknown list":     tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, tftypes.UnknownValue),
		"list of unknowns": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, tftypes.UnknownValue), str("x")}),
		"set":              tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{str("a"), str("b")}),
		"tuple":            tftypes.NewValue(tuple, []tftypes.Value{str("a"), tftypes.NewValue(tftypes.Bool, nil)}),
		"wide object":      tftypes.NewValue(wide, wideValues),
		"list of objects": tftypes.NewValue(pairs, []tftypes.Value{
			tftypes.NewValue(pair, map[string]tftypes.Value{"b": tftypes.NewValue(tftypes.Bool, true), "n": num(int64(1))}),
			tftypes.NewValue(pair, nil),
			tftypes.NewValue(pair, tftypes.UnknownValue),
			tftypes.NewValue(pair, map[string]tftypes.Value{"b": tftypes.NewValue(tftypes.Bool, nil), "n": tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)}),
		}),
		"map of one": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"k": str("v")}),
		"dynamic":    tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"d": tftypes.DynamicPseudoType}}, map[string]tftypes.Value{"d": str("x")}),
	}
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			typ := v.Type()
			if name == "dynamic" {
				typ = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"d": tftypes.DynamicPseudoType}}
			}
			want, wantErr := tfprotov6.NewDynamicValue(typ, v)
			got, err := dynamicValue(typ, v)
			if (err != nil) != (wantErr != nil) || !bytes.Equal(got.MsgPack, want.MsgPack) {
				t.Errorf("dynamicValue: %x, %v; tfprotov6: %x, %v", got.MsgPack, err, want.MsgPack, wantErr)
			}
		})
	}
}
