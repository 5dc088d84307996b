package provider

// Benchmarks of the read path against its floor (issue 7). Run with
//
//	go test -run '^$' -bench . -benchmem -count 6 ./internal/provider/ | tee new.txt
//
// and compare runs with benchstat; BENCHMARKS.md has the figures and the
// end-to-end benchmark (scripts/bench.sh). They need no TF_ACC and no
// terraform binary: the emulator runs in-process on a loopback port.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-ns/op, the process's CPU time per operation since
// start: unlike ns/op it hardly moves when other work shares the machine.
// For the HTTP benchmarks it includes the in-process emulator's share.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// benchComponentCount is the size of a realistic release: a handful of
// microservices released together.
const benchComponentCount = 5

// benchComponents returns n components shaped like the API's: a mix of
// deployed, failed-and-rolled-back and still-running ones, so every
// attribute (nulls included) is exercised.
func benchComponents(n int) []emulator.Component {
	start := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	out := make([]emulator.Component, n)
	for i := range out {
		c := emulator.Component{
			ID:        fmt.Sprintf("5b0f6a1e-3c2d-4e8f-9a7b-%012d", i),
			Name:      fmt.Sprintf("service-%04d", i),
			Version:   "2026.1127.0930",
			Seq:       int64(i%3 + 1),
			Status:    "SUCCESS",
			JobID:     fmt.Sprintf("JOB5b0f6a1e-%06d", i),
			JobStatus: "SUCCEEDED",
			StartTime: start.Add(time.Duration(i) * time.Second),
			EndTime:   start.Add(time.Duration(i)*time.Second + 42*time.Second),
		}
		switch i % 5 {
		case 3: // failed and rolled back
			c.Status, c.JobStatus = "ROLLBACK_SUCCEED", "FAILED"
			c.FailMessage = "health check of instance " + c.Name + "-7f9c-2 failed: readiness probe timed out"
			c.RollbackJobID, c.RollbackJobStatus = c.JobID+"-rb", "SUCCEEDED"
			c.RollbackStartTime, c.RollbackEndTime = c.EndTime.Add(time.Second), c.EndTime.Add(20*time.Second)
		case 4: // still running
			c.Status, c.JobStatus, c.EndTime = "RUNNING", "RUNNING", time.Time{}
		}
		out[i] = c
	}
	return out
}

// benchTask is the release task every read benchmark reads.
const benchTask = "3f1c9a52-7b4e-4d2a-9c61-0e8d5b7a2f14"

// startBenchEmulator serves a deploy-info body of n components to every
// test credential. It returns the emulator and its URL.
func startBenchEmulator(b *testing.B, n int) (*emulator.Server, string) {
	b.Helper()
	srv := emulator.New()
	srv.AddProject(testProject)
	srv.AddToken(testToken, testProject, time.Now().Add(24*time.Hour))
	srv.AddAccessKey(emulator.AccessKey{AccessKey: testAccessKey, SecretKey: testSecretKey})
	srv.AddUser(emulator.User{Name: testUser, Password: testPassword, Domain: testDomain})
	body := emulator.DeployInfoJSON(benchTask, benchComponents(n)...)
	srv.AddTask(testProject, benchTask, emulator.Step{Body: body})
	ts := srv.Start()
	b.Cleanup(ts.Close)
	return srv, ts.URL
}

// BenchmarkFloorGetDecodeMap is the floor of a read: one keep-alive GET of
// the body with a plain shared http.Client, decoded into map[string]any.
func BenchmarkFloorGetDecodeMap(b *testing.B) {
	srv, url := startBenchEmulator(b, benchComponentCount)
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	b.Cleanup(client.CloseIdleConnections)
	target := url + "/v3/" + testProject + "/cas/release-plans/" + benchTask + "/deploy-info"

	b.ReportAllocs()
	before := srv.Connections()
	cpu := cpuTime()
	for b.Loop() {
		req, err := http.NewRequest(http.MethodGet, target, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", testToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var v map[string]any
		err = json.NewDecoder(resp.Body).Decode(&v)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("HTTP %d: %v", resp.StatusCode, err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(srv.Connections()-before), "conns")
}

// readBench is a data source wired as Terraform would wire it: provider data
// from newProviderData, and a Config and State of the data source's schema.
type readBench struct {
	ds     *deployInfoDataSource
	config tfsdk.Config
	state  tfsdk.State
}

func newReadBench(b *testing.B, s settings) *readBench {
	b.Helper()
	ctx := context.Background()
	s.projectID = testProject
	s.maxRetries = servicestage.DefaultMaxRetries
	data, diags := newProviderData(ctx, s, defaultTiming, userAgent("bench", "1.11.4"))
	if diags.HasError() {
		b.Fatalf("newProviderData: %v", diags)
	}
	ds := &deployInfoDataSource{data: data}
	var sresp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sresp)
	objType := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)

	// The configuration of `release_plan_id = benchTask`: every other
	// attribute null, as Terraform sends it.
	attrs := make(map[string]tftypes.Value, len(objType.AttributeTypes))
	for name, typ := range objType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	attrs["release_plan_id"] = tftypes.NewValue(tftypes.String, benchTask)
	return &readBench{
		ds:     ds,
		config: tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(objType, attrs)},
		state:  tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(objType, nil)},
	}
}

// read runs the data source's Read: GetDeployInfo through the provider's
// transport stack, flattenDeployInfo and the state value Read stores.
func (r *readBench) read(ctx context.Context) error {
	resp := datasource.ReadResponse{State: r.state}
	r.ds.Read(ctx, datasource.ReadRequest{Config: r.config}, &resp)
	if resp.Diagnostics.HasError() {
		return fmt.Errorf("Read: %v", resp.Diagnostics)
	}
	return nil
}

func benchmarkReadPath(b *testing.B, s settings) {
	srv, url := startBenchEmulator(b, benchComponentCount)
	s.endpoint = url
	r := newReadBench(b, s)
	ctx := context.Background()
	if err := r.read(ctx); err != nil { // Fail fast, outside the timing.
		b.Fatal(err)
	}

	b.ReportAllocs()
	before := srv.Connections()
	cpu := cpuTime()
	for b.Loop() {
		if err := r.read(ctx); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(srv.Connections()-before), "conns")
}

func BenchmarkReadPathToken(b *testing.B) {
	benchmarkReadPath(b, settings{token: testToken})
}

func BenchmarkReadPathAKSK(b *testing.B) {
	benchmarkReadPath(b, settings{accessKey: testAccessKey, secretKey: testSecretKey})
}

// BenchmarkReadPathPasswordParallel10 reads as `terraform plan` does at its
// default -parallelism of 10, with password authentication, from a cold
// start: it reports the TCP connections the emulator accepted and the IAM
// tokens it issued over the whole run (targets: at most 10, exactly 1).
func BenchmarkReadPathPasswordParallel10(b *testing.B) {
	srv, url := startBenchEmulator(b, benchComponentCount)
	r := newReadBench(b, settings{
		endpoint: url, authURL: url + "/v3",
		userName: testUser, password: testPassword, domainName: testDomain,
	})
	ctx := context.Background()

	b.ReportAllocs()
	cpu := cpuTime()
	// RunParallel starts parallelism × GOMAXPROCS goroutines: 10 on 2 cores.
	b.SetParallelism((10 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := r.read(ctx); err != nil {
				b.Error(err) // Fatal must not be called off the benchmark's goroutine.
				return
			}
		}
	})
	reportCPU(b, cpu)
	b.ReportMetric(float64(srv.Connections()), "conns")
	b.ReportMetric(float64(srv.TokensIssued()), "tokens")
}

// BenchmarkFloorDecodeMap is the floor of BenchmarkDecodeFlatten: the same
// bodies decoded by encoding/json into map[string]any, and nothing more.
func BenchmarkFloorDecodeMap(b *testing.B) {
	for _, n := range []int{1, 100, 10000} {
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			body := emulator.DeployInfoJSON(benchTask, benchComponents(n)...)
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			cpu := cpuTime()
			for b.Loop() {
				var v map[string]any
				if err := json.Unmarshal(body, &v); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/component")
		})
	}
}

// BenchmarkDecodeFlatten is the CPU side of a read, without HTTP: decoding
// a body of n components and flattening it to the framework's values
// (stage=flatten), and also building the state value as Read does
// (stage=state). ns/component should stay flat from 100 to 10,000
// components (no quadratic work).
func BenchmarkDecodeFlatten(b *testing.B) {
	for _, withState := range []bool{false, true} {
		stage := map[bool]string{false: "flatten", true: "state"}[withState]
		for _, n := range []int{1, 100, 10000} {
			b.Run(fmt.Sprintf("stage=%s/components=%d", stage, n), func(b *testing.B) {
				ctx := context.Background()
				body := emulator.DeployInfoJSON(benchTask, benchComponents(n)...)
				r := newReadBench(b, settings{endpoint: "http://127.0.0.1:1", token: testToken})
				// The model as Read has it before flattening: the configuration.
				var config deployInfoModel
				if diags := r.config.Get(ctx, &config); diags.HasError() {
					b.Fatalf("Config.Get: %v", diags)
				}
				typ := r.config.Raw.Type()

				b.ReportAllocs()
				b.SetBytes(int64(len(body)))
				cpu := cpuTime()
				for b.Loop() {
					info, err := servicestage.DecodeDeployInfo(body)
					if err != nil {
						b.Fatal(err)
					}
					// As Read does it.
					m := config
					flattenDeployInfo(info, &m)
					if !withState {
						continue
					}
					state := r.state
					if state.Raw, err = m.stateValue(ctx, typ); err != nil {
						b.Fatal(err)
					}
				}
				reportCPU(b, cpu)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/component")
			})
		}
	}
}

// TestStateValueMatchesStateSet checks that the hand-written conversion Read
// uses (stateValue, for speed) gives exactly what the framework's reflection
// (State.Set of the model) gives, nulls, empty lists and timeouts included.
func TestStateValueMatchesStateSet(t *testing.T) {
	ctx := context.Background()
	var sresp datasource.SchemaResponse
	(&deployInfoDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx)
	objType := typ.(tftypes.Object)

	configWith := func(timeouts tftypes.Value) deployInfoModel {
		attrs := make(map[string]tftypes.Value, len(objType.AttributeTypes))
		for name, at := range objType.AttributeTypes {
			attrs[name] = tftypes.NewValue(at, nil)
		}
		attrs["release_plan_id"] = tftypes.NewValue(tftypes.String, benchTask)
		attrs["timeouts"] = timeouts
		var m deployInfoModel
		config := tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(objType, attrs)}
		if diags := config.Get(ctx, &m); diags.HasError() {
			t.Fatalf("Config.Get: %v", diags)
		}
		return m
	}
	timeoutsType := objType.AttributeTypes["timeouts"].(tftypes.Object)
	withTimeout := tftypes.NewValue(timeoutsType, map[string]tftypes.Value{"read": tftypes.NewValue(tftypes.String, "30s")})

	var models []deployInfoModel
	for _, n := range []int{0, 1, 7} {
		for _, timeouts := range []tftypes.Value{tftypes.NewValue(timeoutsType, nil), withTimeout} {
			info, err := servicestage.DecodeDeployInfo(emulator.DeployInfoJSON(benchTask, benchComponents(n)...))
			if err != nil {
				t.Fatal(err)
			}
			m := configWith(timeouts)
			m.ProjectID = optionalString(testProject)
			flattenDeployInfo(info, &m)
			models = append(models, m)
		}
	}
	models = append(models, configWith(tftypes.NewValue(timeoutsType, nil))) // nil lists, unflattened

	for i, m := range models {
		want := tfsdk.State{Schema: sresp.Schema}
		if diags := want.Set(ctx, &m); diags.HasError() {
			t.Fatalf("model %d: State.Set: %v", i, diags)
		}
		got, err := m.stateValue(ctx, typ)
		if err != nil {
			t.Fatalf("model %d: stateValue: %v", i, err)
		}
		if !got.Equal(want.Raw) {
			diffs, _ := got.Diff(want.Raw)
			t.Errorf("model %d: stateValue differs from State.Set: %v", i, diffs)
		}
	}
}

// TestReadArgumentsMatchesConfigGet checks that reading the arguments one by
// one (readArguments, for speed) gives what Config.Get of the model gives.
func TestReadArgumentsMatchesConfigGet(t *testing.T) {
	ctx := context.Background()
	var sresp datasource.SchemaResponse
	(&deployInfoDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &sresp)
	objType := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	timeoutsType := objType.AttributeTypes["timeouts"].(tftypes.Object)

	for i, args := range []map[string]tftypes.Value{
		{"release_plan_id": tftypes.NewValue(tftypes.String, benchTask)},
		{
			"release_plan_id":     tftypes.NewValue(tftypes.String, benchTask),
			"project_id":          tftypes.NewValue(tftypes.String, testProject),
			"wait_for_completion": tftypes.NewValue(tftypes.Bool, true),
			"timeouts":            tftypes.NewValue(timeoutsType, map[string]tftypes.Value{"read": tftypes.NewValue(tftypes.String, "30s")}),
		},
		{
			"release_plan_id":     tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
			"wait_for_completion": tftypes.NewValue(tftypes.Bool, false),
			"timeouts":            tftypes.NewValue(timeoutsType, map[string]tftypes.Value{"read": tftypes.NewValue(tftypes.String, nil)}),
		},
		{
			"release_plan_id":     tftypes.NewValue(tftypes.String, benchTask),
			"project_id":          tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
			"wait_for_completion": tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue),
			"timeouts":            tftypes.NewValue(timeoutsType, tftypes.UnknownValue),
		},
		{
			"release_plan_id": tftypes.NewValue(tftypes.String, ""),
			"timeouts":        tftypes.NewValue(timeoutsType, map[string]tftypes.Value{"read": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}),
		},
	} {
		attrs := make(map[string]tftypes.Value, len(objType.AttributeTypes))
		for name, at := range objType.AttributeTypes {
			attrs[name] = tftypes.NewValue(at, nil)
		}
		for name, v := range args {
			attrs[name] = v
		}
		config := tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(objType, attrs)}
		var want deployInfoModel
		if diags := config.Get(ctx, &want); diags.HasError() {
			t.Fatalf("config %d: Config.Get: %v", i, diags)
		}
		got, diags := readArguments(ctx, config)
		if diags.HasError() {
			t.Fatalf("config %d: readArguments: %v", i, diags)
		}
		if !got.ReleasePlanID.Equal(want.ReleasePlanID) || !got.ProjectID.Equal(want.ProjectID) ||
			!got.WaitForCompletion.Equal(want.WaitForCompletion) || !got.Timeouts.Equal(want.Timeouts) {
			t.Errorf("config %d: readArguments = %+v, Config.Get = %+v", i, got, want)
		}
	}
}

// TestReleasingServerLetsGoOfRPCContexts checks what NewProtocol6Server is
// for: after hundreds of reads the provider no longer holds each RPC's
// context. Every read here runs in a context carrying 256 KiB, as a stand-in
// for the loggers and gRPC stream a real RPC's context carries.
func TestReleasingServerLetsGoOfRPCContexts(t *testing.T) {
	ctx := context.Background()
	srv := emulator.New()
	srv.AddToken(testToken, testProject, time.Now().Add(time.Hour))
	srv.AddTask(testProject, benchTask, emulator.Step{Body: emulator.DeployInfoJSON(benchTask, benchComponents(benchComponentCount)...)})
	ts := srv.Start()
	t.Cleanup(ts.Close)

	const reads, ballast = 40, 256 << 10
	type ballastKey struct{}
	retained := func(server tfprotov6.ProviderServer) uint64 {
		schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil {
			t.Fatal(err)
		}
		dynamic := func(typ tftypes.Type, set map[string]string) *tfprotov6.DynamicValue {
			attrs := map[string]tftypes.Value{}
			for name, at := range typ.(tftypes.Object).AttributeTypes {
				attrs[name] = tftypes.NewValue(at, nil)
			}
			for name, v := range set {
				attrs[name] = tftypes.NewValue(tftypes.String, v)
			}
			dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
			if err != nil {
				t.Fatal(err)
			}
			return &dv
		}
		configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
			Config: dynamic(schemas.Provider.ValueType(), map[string]string{"endpoint": ts.URL, "token": testToken, "project_id": testProject}),
		})
		if err != nil || len(configured.Diagnostics) > 0 {
			t.Fatalf("ConfigureProvider: %v %v", err, configured.Diagnostics)
		}
		typeName := "servicestage_release_plan_deploy_info"
		config := dynamic(schemas.DataSourceSchemas[typeName].ValueType(), map[string]string{"release_plan_id": benchTask})

		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for range reads {
			// An RPC's context: cancelled when the RPC returns, as gRPC does.
			rpcCtx, cancel := context.WithCancel(context.WithValue(ctx, ballastKey{}, make([]byte, ballast)))
			resp, err := server.ReadDataSource(rpcCtx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: config})
			cancel()
			if err != nil || len(resp.Diagnostics) > 0 {
				t.Fatalf("ReadDataSource: %v %v", err, resp.Diagnostics)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(server) // A served provider lives on after its reads.
		return after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
	}

	framework := retained(providerserver.NewProtocol6(New("test")())())
	ours := retained(NewProtocol6Server("test")())
	t.Logf("after %d reads with %d KiB contexts: framework server retains %d KiB, NewProtocol6Server %d KiB",
		reads, ballast>>10, framework>>10, ours>>10)
	if ours > reads*ballast/4 {
		t.Errorf("NewProtocol6Server retains %d KiB after %d reads; want well under %d KiB", ours>>10, reads, reads*ballast>>10)
	}
}

// TestReleasableContext checks that a released context forwards
// cancellation while the RPC runs and holds nothing after.
func TestReleasableContext(t *testing.T) {
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	ctx, release := releasable(parent)
	child, cancelChild := context.WithCancel(ctx)
	defer cancelChild()
	if ctx.Value(key{}) != "v" || ctx.Err() != nil {
		t.Fatalf("before release: value %v, err %v", ctx.Value(key{}), ctx.Err())
	}
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the RPC's context did not cancel a context derived from the releasable one")
	}
	release()
	if ctx.Value(key{}) != nil || ctx.Err() != context.Canceled {
		t.Errorf("after release: value %v, err %v; want nil, context.Canceled", ctx.Value(key{}), ctx.Err())
	}
}
