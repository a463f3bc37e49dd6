// Package headless starts Debian's Chromium the one way this project's
// browser tests and cmd/pagebench need: headless, as root (no sandbox),
// with a profile of its own and nothing talking to the network on its own.
package headless

import (
	"fmt"
	"os"

	"github.com/chromedp/chromedp"
)

// Path is where Debian's chromium package puts the browser
// (.ci/ensure-chromium.sh installs it).
const Path = "/usr/bin/chromium"

// Check says, in a sentence with the fix, why Chromium cannot start.
func Check() error {
	if _, err := os.Stat(Path); err != nil {
		return fmt.Errorf("%s is missing; install it with: apt-get install -y chromium (or run .ci/ensure-chromium.sh as root)", Path)
	}
	return nil
}

// Options are the allocator's options for a browser whose profile lives
// in profileDir and whose window is width by height pixels.
func Options(profileDir string, width, height int) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profileDir),
		chromedp.WindowSize(width, height),
	)
}
