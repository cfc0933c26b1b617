/// Capturing an expected exception so a test can check what its message tells the user.
module NeuroDyn.Tests.Throws

open Expecto

/// Runs f, expecting an exception of type 'T (or derived); returns it, fails the test otherwise.
let capture<'T when 'T :> exn> (f: unit -> unit) : 'T =
    let caught =
        try
            f ()
            None
        with
        | :? 'T as e -> Some e
        | e -> failtestf "expected %s but got %s: %s" typeof<'T>.Name (e.GetType().Name) e.Message
    match caught with
    | Some e -> e
    | None -> failtestf "expected %s but nothing was thrown" typeof<'T>.Name

/// Expects an exception of type 'T whose message contains every given fragment.
let withMessage<'T when 'T :> exn> (fragments: string list) (f: unit -> unit) =
    let e = capture<'T> f
    for fragment in fragments do
        Expect.stringContains e.Message fragment $"the {typeof<'T>.Name} message should say '{fragment}'"
