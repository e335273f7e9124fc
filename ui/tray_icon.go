package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strconv"

	"fyne.io/fyne/v2"

	"authdeck/assets"
	"authdeck/auth"
)

// trayIconSize is the tray icon's side in pixels: what Fyne draws a tray
// icon at, and a fiftieth of the data a 512-pixel icon would send over
// D-Bus each time the status changes.
const trayIconSize = 64

// trayDotColors colour the dot on the tray icon (the tray shows no text):
// the same green, amber and red as the window's statuses.
var trayDotColors = map[int]color.NRGBA{
	0: {0x43, 0xa0, 0x47, 0xff}, // all OK
	1: {0xff, 0xb3, 0x00, 0xff}, // something expiring
	2: {0xe5, 0x39, 0x35, 0xff}, // something expired or needing a sign-in
}

// statusIcons keeps each status's icon once drawn (UI goroutine only).
var statusIcons = map[int]fyne.Resource{}

// statusIcon is the app icon with a dot in the colour of status s.
func statusIcon(s auth.Status) fyne.Resource {
	sev := severity(s)
	if r, ok := statusIcons[sev]; ok {
		return r
	}
	base, err := png.Decode(bytes.NewReader(assets.Icon))
	if err != nil {
		return icon()
	}
	img := shrink(base, trayIconSize)
	drawDot(img, trayDotColors[sev])
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return icon()
	}
	r := fyne.NewStaticResource("tray-"+strconv.Itoa(sev)+".png", buf.Bytes())
	statusIcons[sev] = r
	return r
}

// shrink scales src down to a size×size image, averaging each block.
func shrink(src image.Image, size int) *image.NRGBA {
	b := src.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			x0, x1 := b.Min.X+x*b.Dx()/size, b.Min.X+(x+1)*b.Dx()/size
			y0, y1 := b.Min.Y+y*b.Dy()/size, b.Min.Y+(y+1)*b.Dy()/size
			var r, g, bl, a, n uint32
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					c := color.NRGBAModel.Convert(src.At(sx, sy)).(color.NRGBA)
					r, g, bl, a, n = r+uint32(c.R), g+uint32(c.G), bl+uint32(c.B), a+uint32(c.A), n+1
				}
			}
			if n > 0 {
				dst.SetNRGBA(x, y, color.NRGBA{mean(r, n), mean(g, n), mean(bl, n), mean(a, n)})
			}
		}
	}
	return dst
}

// mean is sum/n as a colour channel (n channels of at most 255 each).
func mean(sum, n uint32) uint8 {
	v := sum / n
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// drawDot paints a filled circle with a white ring in the bottom-right
// quarter, where tray icons carry their badges.
func drawDot(img *image.NRGBA, c color.NRGBA) {
	size := img.Bounds().Dx()
	r := size * 7 / 32
	cx, cy := size-r-1, size-r-1
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			d := (x-cx)*(x-cx) + (y-cy)*(y-cy)
			switch {
			case d <= (r-2)*(r-2):
				img.SetNRGBA(x, y, c)
			case d <= r*r:
				img.SetNRGBA(x, y, color.NRGBA{0xff, 0xff, 0xff, 0xff})
			}
		}
	}
}
