package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"

	"authdeck/internal/display"
)

// WindowProgram is the window's executable, installed beside `authdeck`.
const WindowProgram = "authdeck-window"

// newCmdWindow opens the window: `authdeck window`, and `authdeck` alone.
func newCmdWindow(d *Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "window",
		Short: "Open the Authdeck window (also: authdeck with no arguments)",
		Args:  exactArgs(0, "no arguments"),
		RunE:  func(*cobra.Command, []string) error { return openWindow(d) },
	}
}

func openWindow(d *Deps) error {
	if !display.Available() {
		return errors.New(display.Missing)
	}
	if d.OpenWindow == nil {
		return errors.New("this build of authdeck cannot open the window: start " + WindowProgram + " instead")
	}
	return d.OpenWindow()
}

// ExecWindow runs the window program found beside this executable, else on
// PATH, in place of this process where the system allows it.
func ExecWindow() error {
	path, err := findWindowProgram()
	if err != nil {
		return err
	}
	return execProgram(path)
}

func findWindowProgram() (string, error) {
	name := WindowProgram
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if self, err := os.Executable(); err == nil {
		if resolved, err := filepath.EvalSymlinks(self); err == nil {
			self = resolved
		}
		beside := filepath.Join(filepath.Dir(self), name)
		if info, err := os.Stat(beside); err == nil && info.Mode().IsRegular() {
			return beside, nil
		}
	}
	if path, err := exec.LookPath(name); err == nil {
		return path, nil
	}
	return "", fmt.Errorf("the window program %s is not installed beside authdeck or on PATH: reinstall Authdeck (every command works without it)", WindowProgram)
}
