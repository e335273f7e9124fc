package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"authdeck/auth/catalog"
)

// dockerEnvFile has the real docker command read a dotenv file with
// --env-file and returns the environment it would give the container.
// docker parses the file itself, before it asks the daemon anything; there
// is no daemon here, so a stand-in on a unix socket answers the ping,
// records the create request (which carries the parsed environment) and
// refuses it. The reader is docker's own code.
func dockerEnvFile(t *testing.T, file string) []string {
	t.Helper()
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Skip("no docker command: docker's --env-file reader is not tested")
	}
	sock := filepath.Join(t.TempDir(), "d.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var env []string
	created := false
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Api-Version", "1.45")
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/containers/create") {
			var body struct{ Env []string }
			data, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(data, &body)
			mu.Lock()
			env, created = body.Env, true
			mu.Unlock()
			w.WriteHeader(http.StatusConflict)
			_, _ = io.WriteString(w, `{"message":"stand-in daemon: recorded"}`)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/_ping") {
			_, _ = io.WriteString(w, "OK")
			return
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"message":"not here"}`)
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	cmd := exec.Command(docker, "create", "--env-file", file, "authdeck-test-image")
	cmd.Env = []string{"DOCKER_HOST=unix://" + sock, "HOME=" + t.TempDir(), "PATH=/usr/bin:/bin", "DOCKER_CLI_HINTS=false"}
	out, err := cmd.CombinedOutput()
	mu.Lock()
	defer mu.Unlock()
	var exit *exec.ExitError
	if !created {
		if errors.As(err, &exit) && strings.Contains(string(out), "env") {
			t.Fatalf("docker refused the env file: %s", out)
		}
		t.Fatalf("docker never sent the create request (%v): %s", err, out)
	}
	return env
}

// TestDotenvThroughDocker: every value the dotenv format accepts reaches a
// container through docker --env-file exactly.
func TestDotenvThroughDocker(t *testing.T) {
	var file strings.Builder
	want := map[string]string{}
	for i, v := range append(append([]string(nil), dotenvHostile...), hostile...) {
		name := fmt.Sprintf("V%d_TOKEN", i)
		line, err := Render(FormatDotenv, FromMethod(catalog.Apply{Header: "X-Access"}, v, name), "")
		if err != nil {
			continue
		}
		file.WriteString(line + "\n")
		want[name] = v
	}
	path := filepath.Join(t.TempDir(), "creds.env")
	if err := os.WriteFile(path, []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, kv := range dockerEnvFile(t, path) {
		k, v, _ := strings.Cut(kv, "=")
		got[k] = v
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("docker reads %s as %q, want %q", name, got[name], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("docker read %d variables, want %d", len(got), len(want))
	}
}

// The env format (quoted, for shells) is not for docker: docker keeps the
// quotes, which is why dotenv exists. This holds docker to that reading.
func TestEnvLineReadByDockerKeepsQuotes(t *testing.T) {
	line, err := Render(FormatEnv, FromMethod(catalog.Apply{Header: "X-Access"}, "tok", "T_TOKEN"), "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "shell.env")
	if err := os.WriteFile(path, []byte(strings.TrimPrefix(line, "export ")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := dockerEnvFile(t, path)
	if len(env) != 1 || env[0] != "T_TOKEN='tok'" {
		t.Fatalf("docker reads %q", env)
	}
}
