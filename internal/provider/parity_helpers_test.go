package provider

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

// assertModelMatchesSchema fails when a schema attribute has no `tfsdk` field
// in the model or a model field has no attribute: the framework would only
// notice at run time, on the first plan that touches the attribute.
func assertModelMatchesSchema[A any](t *testing.T, attributes map[string]A, model any) {
	t.Helper()
	fields := map[string]bool{}
	typ := reflect.TypeOf(model)
	for i := 0; i < typ.NumField(); i++ {
		tag := strings.Split(typ.Field(i).Tag.Get("tfsdk"), ",")[0]
		if tag != "" && tag != "-" {
			fields[tag] = true
		}
	}
	var missing, extra []string
	for name := range attributes {
		if !fields[name] {
			missing = append(missing, name)
		}
	}
	for name := range fields {
		if _, ok := attributes[name]; !ok {
			extra = append(extra, name)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("%s: schema attributes without model field: %v; model fields without attribute: %v", typ.Name(), missing, extra)
	}
}

func TestAssertModelMatchesSchemaDetectsDrift(t *testing.T) {
	type model struct {
		A string `tfsdk:"a"`
		B string `tfsdk:"b"`
	}
	inner := &testing.T{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		assertModelMatchesSchema(inner, map[string]int{"a": 0, "c": 0}, model{})
	}()
	<-done
	if !inner.Failed() {
		t.Fatal("a schema/model mismatch was not reported")
	}
	assertModelMatchesSchema(t, map[string]int{"a": 0, "b": 0}, model{})
}
