// Command drawn measures what a person waits for when they start a window
// program: from exec to the window's contents drawn, observed from outside
// the program, on the X server. It starts the command, waits for a viewable
// top-level window with the given title, then reads the window's pixels
// every few milliseconds until they have settled. The window counts as drawn
// at the first frame from which on every frame matches the settled one
// (a countdown ticking in a row changes too little to count; an empty list,
// a blank or half-built window changes far more).
//
//	drawn -name Authdeck -- bin/authdeck
//
// It prints one JSON object: mapped_ms (the window viewable), first_ms (the
// first frame that is not one flat colour), drawn_ms, frames; with -keep it
// leaves the program running and adds its pid, otherwise it stops it
// (SIGTERM, then SIGKILL after 5 s). Exit status 3: the program ended
// before its window showed (GLFW now and then fails to reach a busy Xvfb),
// so the caller may try again.
package main

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdlib.h>
#include <string.h>

static int ignoreErrors(Display *d, XErrorEvent *e) { (void)d; (void)e; return 0; }

static void quiet(void) { XSetErrorHandler(ignoreErrors); }

// findNamed is a viewable window titled name at most depth levels below w.
static Window findNamed(Display *d, Window w, const char *name, int depth) {
	Window root, parent, *kids = NULL, found = 0;
	unsigned int n = 0, i;
	if (!XQueryTree(d, w, &root, &parent, &kids, &n)) return 0;
	for (i = 0; i < n && !found; i++) {
		char *title = NULL;
		if (XFetchName(d, kids[i], &title) && title) {
			if (strcmp(title, name) == 0) {
				XWindowAttributes a;
				if (XGetWindowAttributes(d, kids[i], &a) && a.map_state == IsViewable) found = kids[i];
			}
			XFree(title);
		}
		if (!found && depth > 0) found = findNamed(d, kids[i], name, depth - 1);
	}
	if (kids) XFree(kids);
	return found;
}

// grid reads w's pixels and writes the mean luminance of each of gw×gh
// blocks to out. It returns 0 when the window cannot be read.
static int grid(Display *d, Window w, int gw, int gh, unsigned char *out) {
	XWindowAttributes a;
	XImage *img;
	int x, y;
	if (!XGetWindowAttributes(d, w, &a) || a.map_state != IsViewable || a.width < gw || a.height < gh) return 0;
	img = XGetImage(d, w, 0, 0, a.width, a.height, AllPlanes, ZPixmap);
	if (!img) return 0;
	unsigned long *sum = calloc((size_t)gw * gh, sizeof *sum);
	unsigned long *cnt = calloc((size_t)gw * gh, sizeof *cnt);
	for (y = 0; y < a.height; y++) {
		int by = y * gh / a.height;
		for (x = 0; x < a.width; x++) {
			unsigned long p = img->bits_per_pixel == 32
				? ((unsigned int *)(img->data + (size_t)y * img->bytes_per_line))[x]
				: XGetPixel(img, x, y);
			unsigned long r = (p >> 16) & 255, g = (p >> 8) & 255, b = p & 255;
			int k = by * gw + x * gw / a.width;
			sum[k] += (r * 299 + g * 587 + b * 114) / 1000;
			cnt[k]++;
		}
	}
	for (x = 0; x < gw * gh; x++) out[x] = (unsigned char)(sum[x] / cnt[x]);
	free(sum);
	free(cnt);
	XDestroyImage(img);
	return 1;
}
*/
import "C"

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

const gw, gh = 64, 48 // blocks across and down

// frame is the block luminance of the window at t (since exec), and the
// CPU time the program had used by then.
type frame struct {
	t     time.Duration
	cpu   time.Duration
	block [gw * gh]byte
}

type result struct {
	MappedMS float64 `json:"mapped_ms"`
	FirstMS  float64 `json:"first_ms"`
	DrawnMS  float64 `json:"drawn_ms"`
	// CPUMS is the CPU time (user + system, all threads) the program had
	// used when its list was drawn: less at the mercy of other work on
	// the machine than the wall time.
	CPUMS  float64 `json:"cpu_ms"`
	Frames int     `json:"frames"`
	PID    int     `json:"pid,omitempty"`
}

func main() {
	name := flag.String("name", "", "the window's title")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	settle := flag.Duration("settle", time.Second, "the contents count as settled after this long without a change")
	minAfterMap := flag.Duration("min", 1500*time.Millisecond, "watch at least this long after the window shows")
	interval := flag.Duration("interval", 4*time.Millisecond, "pause between two reads of the pixels")
	keep := flag.Bool("keep", false, "leave the program running and print its pid")
	logPath := flag.String("log", os.DevNull, "where the program's output goes")
	flag.Parse()
	if *name == "" || flag.NArg() == 0 {
		log.Fatal("usage: drawn -name TITLE [flags] -- COMMAND [ARGS…]")
	}
	dpy := C.XOpenDisplay(nil)
	if dpy == nil {
		log.Fatal("drawn: cannot open the display named by DISPLAY")
	}
	C.quiet()
	logf, err := os.Create(*logPath) // #nosec G304 -- the benchmark names its own log
	if err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...) // #nosec G204 -- the benchmark's own command line
	cmd.Stdout, cmd.Stderr = logf, logf
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	res, err := watch(dpy, *name, cmd.Process.Pid, t0, exited, *timeout, *settle, *minAfterMap, *interval)
	if err != nil {
		stop(cmd, exited)
		if err == errExited {
			fmt.Fprintln(os.Stderr, "drawn: the program ended before its window showed")
			os.Exit(3)
		}
		log.Fatalf("drawn: %v", err)
	}
	if *keep {
		res.PID = cmd.Process.Pid
	} else {
		stop(cmd, exited)
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
}

var errExited = fmt.Errorf("exited")

func watch(dpy *C.Display, name string, pid int, t0 time.Time, exited <-chan struct{}, timeout, settle, minAfterMap, interval time.Duration) (result, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	root := C.XDefaultRootWindow(dpy)
	var win C.Window
	var mapped time.Duration
	var frames []frame
	var calm frame // the frame the contents have stayed close to since calm.t
	for {
		select {
		case <-exited:
			if win == 0 {
				return result{}, errExited
			}
			return result{}, fmt.Errorf("the program ended while its window was being watched")
		default:
		}
		now := time.Since(t0)
		if now > timeout {
			return result{}, fmt.Errorf("no settled window %q within %v", name, timeout)
		}
		if win == 0 {
			if win = C.findNamed(dpy, root, cname, 2); win != 0 {
				mapped = time.Since(t0)
			} else {
				time.Sleep(time.Millisecond)
				continue
			}
		}
		var f frame
		if C.grid(dpy, win, gw, gh, (*C.uchar)(unsafe.Pointer(&f.block[0]))) == 0 {
			time.Sleep(interval)
			continue
		}
		f.t, f.cpu = time.Since(t0), cpuTime(pid)
		if len(frames) == 0 || differs(frames[len(frames)-1].block, f.block) {
			frames = append(frames, f)
		}
		if len(frames) == 1 || far(calm.block, f.block) {
			calm = f
		}
		if f.t-mapped >= minAfterMap && f.t-calm.t >= settle {
			return judge(frames, mapped)
		}
		time.Sleep(interval)
	}
}

// judge finds the first frame with content and the first from which on
// every frame matches the settled (last) one.
func judge(frames []frame, mapped time.Duration) (result, error) {
	final := frames[len(frames)-1]
	if flat(final.block) {
		return result{}, fmt.Errorf("the window stayed one flat colour")
	}
	res := result{MappedMS: ms(mapped), Frames: len(frames), FirstMS: -1}
	for _, f := range frames {
		if !flat(f.block) {
			res.FirstMS = ms(f.t)
			break
		}
	}
	drawn := len(frames) - 1
	for drawn > 0 && !far(frames[drawn-1].block, final.block) {
		drawn--
	}
	res.DrawnMS, res.CPUMS = ms(frames[drawn].t), ms(frames[drawn].cpu)
	return res, nil
}

// cpuTime is the user and system time of process pid and all its threads
// so far (/proc/PID/stat, in clock ticks of 10 ms; 0 when unreadable).
func cpuTime(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)) // #nosec G304 -- the process this program started
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count from after it.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on Linux.
const clockTicks = 100

// differs: any block changed at all (a new frame worth keeping).
func differs(a, b [gw * gh]byte) bool { return changed(a, b) > 0 }

// far: more than 3 % of the blocks changed visibly (a countdown ticking in
// a few rows changes well under 1 %; rows appearing change tens of %).
func far(a, b [gw * gh]byte) bool { return changed(a, b)*100 > 3*gw*gh }

func changed(a, b [gw * gh]byte) int {
	n := 0
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d > 6 || d < -6 {
			n++
		}
	}
	return n
}

// flat: one colour all over (a window not drawn yet, or cleared).
func flat(a [gw * gh]byte) bool {
	for _, v := range a {
		if d := int(v) - int(a[0]); d > 6 || d < -6 {
			return false
		}
	}
	return true
}

func stop(cmd *exec.Cmd, exited <-chan struct{}) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
