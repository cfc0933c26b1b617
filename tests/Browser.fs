/// Opening pages in Debian's headless chromium (installed by ./build.sh) to see what a reader would see.
module NeuroDyn.Tests.Browser

open System
open System.IO
open Expecto

/// The page's DOM after its scripts ran (plotly and KaTeX render into it), from `chromium --dump-dom`.
let renderedDom (page: string) =
    let chromium = "/usr/bin/chromium"
    if not (File.Exists chromium) then failtest "chromium is not installed; ./build.sh installs it (apt package chromium)"
    let profile = Run.tempFolder "chromium"
    let result =
        Run.program chromium
            [ "--headless"; "--no-sandbox"; "--disable-gpu"; "--disable-quic"; "--no-first-run"
              "--disable-background-networking"; "--disable-component-update"; "--disable-sync"
              $"--user-data-dir={profile}"; "--virtual-time-budget=10000"; "--dump-dom"; Uri(Path.GetFullPath page).AbsoluteUri ]
            Run.root (TimeSpan.FromMinutes 2.0)
    if result.ExitCode <> 0 then failtestf "chromium failed on %s:\n%s" page result.Output
    result.Output

/// Number of occurrences of a fragment in a text.
let count (fragment: string) (text: string) = (text.Length - text.Replace(fragment, "").Length) / fragment.Length

/// Expects that chromium rendered at least `charts` plotly charts (and typeset maths when `maths` is set) on the page.
let expectRendered (page: string) (charts: int) (maths: bool) =
    let dom = renderedDom page
    Expect.isGreaterThanOrEqual (count "class=\"plot-container plotly\"" dom) charts $"{page}: {charts} charts drawn by plotly.js"
    if maths then Expect.isGreaterThan (count "class=\"katex\"" dom) 0 $"{page}: maths typeset by KaTeX"
