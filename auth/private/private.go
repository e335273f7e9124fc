// Package private guards the files Authdeck takes instructions from: the
// config folder, providers.d and the definitions in it. Another user who can
// change any of them can point a provider's check address at their own server
// and receive your credential, so, as OpenSSH does for ~/.ssh, such a folder
// or file is refused rather than used. Definition files are also read
// without hanging on a FIFO or swallowing memory on a huge file.
//
// It is a package of its own (not part of auth/store) so that auth/catalog,
// which auth/store imports, can use it too.
package private

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Problem says what is wrong with a folder or file.
type Problem int

// The ways a folder or file can fail the check.
const (
	// OtherOwner: owned by a user other than the one running Authdeck (or root).
	OtherOwner Problem = iota + 1
	// Writable: its group or everyone may change it.
	Writable
)

// Error refuses a folder or file that someone else can change. The lead's
// front ends word it further; Error() says what happened and how to fix it.
type Error struct {
	Path  string
	Dir   bool
	Why   Problem
	Owner int         // the owner's user id (OtherOwner)
	Mode  fs.FileMode // the permission bits found (Writable)
}

func (e *Error) Error() string {
	what := "file"
	if e.Dir {
		what = "folder"
	}
	if e.Why == OtherOwner {
		return fmt.Sprintf("%s %s belongs to another user (uid %d): Authdeck only takes its settings from a %s you own, since its owner could send your credentials elsewhere",
			what, e.Path, e.Owner, what)
	}
	return fmt.Sprintf("%s %s can be changed by other users (mode %04o): Authdeck refuses it, as OpenSSH does for ~/.ssh, since they could send your credentials elsewhere",
		what, e.Path, e.Mode.Perm())
}

// CheckDir refuses an existing folder that belongs to another user or that
// its group or everyone may write to. A folder that does not exist passes:
// Authdeck creates it private. A symbolic link is followed and its target
// checked.
func CheckDir(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot look at the folder %s: %w", path, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a folder, so it cannot hold Authdeck's configuration", path)
	}
	return Check(path, fi)
}

// CheckFile is CheckDir for a file that must exist.
func CheckFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("cannot look at the file %s: %w", path, err)
	}
	return Check(path, fi)
}

// Check applies the rule to what Stat (or File.Stat) returned for path.
func Check(path string, fi fs.FileInfo) error {
	if uid, ok := owner(fi); ok && !trustedOwner(uid) {
		return &Error{Path: path, Dir: fi.IsDir(), Why: OtherOwner, Owner: uid}
	}
	if checksMode && fi.Mode().Perm()&0o022 != 0 {
		return &Error{Path: path, Dir: fi.IsDir(), Why: Writable, Mode: fi.Mode()}
	}
	return nil
}

// ErrTooLarge is wrapped by ReadFile's error for a file over the limit.
var ErrTooLarge = errors.New("too large")

// ErrNotRegular is wrapped by ReadFile's error for a FIFO, device, socket or
// folder where a file was expected.
var ErrNotRegular = errors.New("not a regular file")

// ReadFile reads a definition file that must be a regular file, private to
// its owner (Check) and at most limit bytes. It never blocks on a FIFO and
// never reads more than limit+1 bytes, whatever the file claims its size is.
// A symbolic link is followed; the file it leads to must pass the same rules,
// checked on the opened file, so it cannot be swapped in between.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := openNoBlock(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (%s): only plain files are read — remove it", path, ErrNotRegular, kind(fi.Mode()))
	}
	if err := Check(path, fi); err != nil {
		return nil, err
	}
	tooBig := func() error {
		return fmt.Errorf("%s: %w (over %d KiB): a definition is a few KiB — remove it or replace it with the real one", path, ErrTooLarge, limit>>10)
	}
	if fi.Size() > limit {
		return nil, tooBig()
	}
	// Room for the whole file at once: growing a buffer from nothing copied
	// a large connections.json a dozen times (issue 22).
	buf := bytes.NewBuffer(make([]byte, 0, fi.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(buf.Len()) > limit { // it grew after Stat
		return nil, tooBig()
	}
	return buf.Bytes(), nil
}

func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a folder"
	}
	return "not a plain file"
}
