/// The API reference of the book: one HTML page per namespace and per public type of an assembly, made from its XML
/// documentation comments (the summaries, remarks, parameters and returns, with the equations they hold) and its public
/// members found by reflection. Plain HTML with the book's style and no scripts, so it renders offline; the comments write their
/// equations in Unicode (τ dh/dt = −h + tanh(W h + b)), shown as written.
module ApiReference

open System
open System.IO
open System.Linq
open System.Reflection
open System.Text
open System.Xml.Linq
open NeuroDyn.IO

let private encode (s: string) = Net.WebUtility.HtmlEncode s

/// The page of a type, below the reference's folder: NeuroDyn.Models.CtRnn.html (nested types joined by a dot).
let typePage (t: Type) = (t.FullName.Replace('+', '.') |> fun n -> if t.IsGenericTypeDefinition then n.Split('`').[0] else n) + ".html"

/// The page of a namespace: NeuroDyn.Models.html.
let namespacePage (ns: string) = ns + ".html"

/// A type's name as C# writes it: CtRnn, RateNetwork<TOptions>, IReadOnlyList<double[,]>, double?.
let rec displayName (t: Type) : string =
    let keywords =
        dict [ typeof<double>, "double"; typeof<float32>, "float"; typeof<int>, "int"; typeof<int64>, "long"; typeof<bool>, "bool"
               typeof<string>, "string"; typeof<obj>, "object"; typeof<Void>, "void"; typeof<byte>, "byte"; typeof<int16>, "short" ]
    if t.IsByRef then displayName (t.GetElementType())
    elif t.IsArray then displayName (t.GetElementType()) + "[" + String(',', t.GetArrayRank() - 1) + "]"
    elif keywords.ContainsKey t then keywords.[t]
    elif t.IsGenericType && t.GetGenericTypeDefinition() = typedefof<Nullable<_>> then displayName (t.GetGenericArguments().[0]) + "?"
    elif t.IsGenericType then
        let name = t.Name.Split('`').[0]
        let arguments = t.GetGenericArguments() |> Array.map displayName
        $"""{name}<{String.Join(", ", arguments)}>"""
    else t.Name

/// The XML documentation ID of a type as a parameter: System.Double, System.Collections.Generic.IReadOnlyList{System.Double[0:,0:]}, `0, ``0.
let rec private parameterId (t: Type) : string =
    if t.IsByRef then parameterId (t.GetElementType()) + "@"
    elif t.IsArray then
        let rank = t.GetArrayRank()
        parameterId (t.GetElementType()) + (if rank = 1 then "[]" else "[" + String.Join(",", Array.create rank "0:") + "]")
    elif t.IsGenericParameter then (if isNull t.DeclaringMethod then "`" else "``") + string t.GenericParameterPosition
    elif t.IsGenericType then
        let name = t.GetGenericTypeDefinition().FullName.Split('`').[0].Replace('+', '.')
        let arguments = t.GetGenericArguments() |> Array.map parameterId
        $"""{name}{{{String.Join(",", arguments)}}}"""
    else t.FullName.Replace('+', '.')

/// The XML documentation ID of a type: T:NeuroDyn.Models.CtRnn, T:NeuroDyn.Models.RateNetwork`1.
let typeId (t: Type) = "T:" + t.FullName.Replace('+', '.')

/// The XML documentation ID of a member, as the C# compiler writes it into the .xml file.
let memberId (m: MemberInfo) =
    let owner = m.DeclaringType.FullName.Replace('+', '.')
    let parameters (ps: ParameterInfo[]) =
        if ps.Length = 0 then "" else "(" + String.Join(",", ps |> Array.map (fun p -> parameterId p.ParameterType)) + ")"
    match m with
    | :? ConstructorInfo as c -> $"M:{owner}.#ctor{parameters (c.GetParameters())}"
    | :? MethodInfo as mi ->
        let generic = if mi.IsGenericMethodDefinition then "``" + string (mi.GetGenericArguments().Length) else ""
        let conversion = if mi.Name = "op_Implicit" || mi.Name = "op_Explicit" then "~" + parameterId mi.ReturnType else ""
        $"M:{owner}.{mi.Name}{generic}{parameters (mi.GetParameters())}{conversion}"
    | :? PropertyInfo as p -> $"P:{owner}.{p.Name}{parameters (p.GetIndexParameters())}"
    | :? FieldInfo -> $"F:{owner}.{m.Name}"
    | :? EventInfo -> $"E:{owner}.{m.Name}"
    | _ -> failwithf "no documentation ID for member %s of %s" m.Name owner

/// The XML documentation of an assembly, by documentation ID.
let readDocumentation (xmlPath: string) =
    if not (File.Exists xmlPath) then
        failwithf "no XML documentation at %s; build the core first (./build.sh setup), which writes it beside the assembly" xmlPath
    XDocument.Load(xmlPath).Descendants(XName.Get "member")
    |> Seq.map (fun e -> e.Attribute(XName.Get "name").Value, e)
    |> dict

/// HTML of a documentation element's content: text encoded, <see cref> as links to the reference's pages (or code),
/// <paramref>/<c> as code, <para> as paragraphs, <code> as a block.
let rec private html (pageOf: string -> string option) (node: XNode) : string =
    let children (e: XElement) = String.Join("", e.Nodes() |> Seq.map (html pageOf))
    match node with
    | :? XText as t -> encode t.Value
    | :? XElement as e ->
        let attribute name = match e.Attribute(XName.Get name) with null -> "" | a -> a.Value
        match e.Name.LocalName with
        | "see" | "seealso" when attribute "cref" <> "" ->
            let cref = attribute "cref"
            let shown = if e.IsEmpty then cref.Substring(2).Split('(').[0].Split('.') |> Array.last |> fun s -> s.Split('`').[0] else children e
            match pageOf cref with
            | Some page -> $"<a href=\"{page}\"><code>{encode shown}</code></a>"
            | None -> $"<code>{encode shown}</code>"
        | "see" when attribute "langword" <> "" -> "<code>" + encode (attribute "langword") + "</code>"
        | "see" when attribute "href" <> "" ->
            let href = encode (attribute "href")
            let shown = if e.IsEmpty then href else children e
            $"<a href=\"{href}\">{shown}</a>"
        | "paramref" | "typeparamref" -> "<code>" + encode (attribute "name") + "</code>"
        | "c" -> $"<code>{children e}</code>"
        | "code" -> $"<pre>{children e}</pre>"
        | "para" -> $"<p>{children e}</p>"
        | "list" -> "<ul>" + String.Join("", e.Elements() |> Seq.map (fun item -> "<li>" + children item + "</li>")) + "</ul>"
        | _ -> children e
    | _ -> ""

/// The <param> entries of a documentation element as a definition list.
let private parameterList (pageOf: string -> string option) (e: XElement) =
    let item (p: XElement) = "<dt>" + encode (p.Attribute(XName.Get "name").Value) + "</dt><dd>" + html pageOf p + "</dd>"
    "<dl class=\"params\">" + String.Join("", e.Elements(XName.Get "param") |> Seq.map item) + "</dl>"

let private style = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;line-height:1.55;color:#222}
pre,code{background:#f5f5f5;border-radius:3px} pre{padding:.6em;overflow:auto} code{padding:0 .2em}
nav{border-bottom:1px solid #ddd;padding-bottom:.5em;margin-bottom:1em} nav a{margin-right:1em}
.member{border-top:1px solid #eee;padding:.4em 0} .signature{font-family:monospace;font-weight:bold} dl.params dt{font-family:monospace}"""

/// A page of the reference, in the book's style, with links back to the book and the reference's index.
let private page (title: string) (nav: string) (body: string) =
    $"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{encode title}</title><style>{style}</style></head><body>
<nav><a href="../index.html">NeuroDyn tutorial</a><a href="index.html">API reference</a>{nav}</nav>
{body}
</body></html>"""

/// Public types of the assembly worth a page (not compiler-generated).
let publicTypes (assembly: Assembly) =
    assembly.GetExportedTypes()
    |> Array.filter (fun t -> not (t.Name.StartsWith "<") && not (isNull t.Namespace))
    |> Array.sortBy (fun t -> t.FullName)

/// The members a type's page shows: public, declared by the type itself; accessors, operators and what the compiler adds to
/// records (Equals, GetHashCode, ToString, Deconstruct, Clone) only where a comment documents them.
let private shownMembers (docs: Collections.Generic.IDictionary<string, XElement>) (t: Type) =
    let compilerMade = set [ "Equals"; "GetHashCode"; "ToString"; "Deconstruct"; "PrintMembers" ]
    t.GetMembers(BindingFlags.Public ||| BindingFlags.Instance ||| BindingFlags.Static ||| BindingFlags.DeclaredOnly)
    |> Array.filter (fun m ->
        match m with
        | :? Type -> false
        | _ when m.Name.StartsWith "<" -> false
        | :? MethodInfo as mi -> docs.ContainsKey(memberId m) || not (mi.IsSpecialName || compilerMade.Contains mi.Name)
        | :? FieldInfo as f -> not f.IsSpecialName
        | :? ConstructorInfo as c -> docs.ContainsKey(memberId m) || c.GetParameters().Length > 0   // not the implicit default
        | _ -> true)

/// A member's signature as C# declares it (without modifiers).
let private signature (m: MemberInfo) =
    let parameters (ps: ParameterInfo[]) =
        String.Join(", ", ps |> Array.map (fun p -> $"{displayName p.ParameterType} {p.Name}" + (if p.HasDefaultValue then " = " + (if isNull p.DefaultValue then "null" else string p.DefaultValue) else "")))
    match m with
    | :? ConstructorInfo as c -> c.DeclaringType.Name.Split('`').[0] + "(" + parameters (c.GetParameters()) + ")"
    | :? MethodInfo as mi ->
        let generic = if mi.IsGenericMethodDefinition then "<" + String.Join(", ", mi.GetGenericArguments() |> Array.map (fun a -> a.Name)) + ">" else ""
        $"{displayName mi.ReturnType} {mi.Name}{generic}({parameters (mi.GetParameters())})"
    | :? PropertyInfo as p ->
        let accessors =
            match p.SetMethod with
            | null -> "{ get; }"
            | set when not set.IsPublic -> "{ get; }"
            | set when set.ReturnParameter.GetRequiredCustomModifiers() |> Array.exists (fun t -> t.Name = "IsExternalInit") -> "{ get; init; }"
            | _ -> "{ get; set; }"
        $"{displayName p.PropertyType} {p.Name} {accessors}"
    | :? FieldInfo as f when f.DeclaringType.IsEnum -> f.Name
    | :? FieldInfo as f -> $"{displayName f.FieldType} {f.Name}"
    | :? EventInfo as e -> $"event {displayName e.EventHandlerType} {e.Name}"
    | _ -> m.Name

/// Which kind of member, for the page's sections, in the order they appear.
let private section (m: MemberInfo) =
    match m with
    | :? ConstructorInfo -> 0, "Constructors"
    | :? FieldInfo as f when f.DeclaringType.IsEnum -> 1, "Values"
    | :? PropertyInfo -> 2, "Properties"
    | :? MethodInfo -> 3, "Methods"
    | :? FieldInfo -> 4, "Fields"
    | _ -> 5, "Events"

/// The kind of a type as C# names it.
let private kindOf (t: Type) =
    if t.IsEnum then "enum"
    elif t.IsInterface then "interface"
    elif t.IsValueType then "struct"
    elif t.IsAbstract && t.IsSealed then "static class"
    elif not (isNull (t.GetMethod("<Clone>$"))) then "record"
    else "class"

/// What one reference wrote: its pages, and each type's short name with its page (for links from the chapters).
type Written = { Pages: int; Types: (string * string) list }

/// Writes the reference of an assembly into a folder: index.html (the namespaces and their types), one page per namespace and
/// one per type, and types.tsv (each type's name and page, which the chapter pages read to link the types they use first).
let write (assembly: Assembly) (xmlPath: string) (folder: string) =
    let docs = readDocumentation xmlPath
    let types = publicTypes assembly
    let pages = types |> Array.map (fun t -> typeId t, typePage t) |> dict
    let pageOf (cref: string) =
        let typePart = if cref.StartsWith "T:" then cref else "T:" + (cref.Substring(2).Split('(').[0] |> fun s -> s.Substring(0, max 0 (s.LastIndexOf '.')))
        let anchor = if cref.StartsWith "T:" then "" else "#" + (cref.Split('(').[0].Split('.') |> Array.last).Split('`').[0].Replace("#ctor", "")
        match pages.TryGetValue typePart with
        | true, page -> Some(page + anchor)
        | _ -> None
    let docHtml (id: string) (tag: string) =
        match docs.TryGetValue id with
        | true, e -> e.Elements(XName.Get tag) |> Seq.map (fun x -> html pageOf x) |> fun parts -> String.Join(" ", parts)
        | _ -> ""
    let summaryOf (t: Type) = docHtml (typeId t) "summary"
    Directory.CreateDirectory folder |> ignore
    let namespaces = types |> Array.groupBy (fun t -> t.Namespace) |> Array.sortBy fst
    let mutable count = 0
    let save (name: string) (content: string) =
        AtomicFile.WriteAllText(Path.Combine(folder, name), content)
        count <- count + 1
    for t in types do
        let members =
            shownMembers docs t
            |> Array.groupBy section
            |> Array.sortBy (fst >> fst)
            |> Array.map (fun ((_, heading), ms) ->
                let items =
                    ms
                    |> Array.sortBy (fun m -> m.Name)
                    |> Array.map (fun m ->
                        let id = memberId m
                        let parameters =
                            match docs.TryGetValue id with
                            | true, e when e.Elements(XName.Get "param").Any() ->
                                parameterList pageOf e
                            | _ -> ""
                        let positional =   // a record's positional property: documented by the type's <param>
                            match m, docs.TryGetValue(typeId t) with
                            | :? PropertyInfo, (true, e) when not (docs.ContainsKey id) ->
                                e.Elements(XName.Get "param") |> Seq.tryFind (fun p -> p.Attribute(XName.Get "name").Value = m.Name) |> Option.map (html pageOf) |> Option.defaultValue ""
                            | _ -> ""
                        let returns = docHtml id "returns" |> fun r -> if r = "" then "" else $"<p>Returns: {r}</p>"
                        let remarks = docHtml id "remarks" |> fun r -> if r = "" then "" else $"<div class=\"remarks\">{r}</div>"
                        let summary = docHtml id "summary"
                        $"<div class=\"member\" id=\"{encode m.Name}\"><div class=\"signature\">{encode (signature m)}</div><div>{summary}{positional}</div>{parameters}{returns}{remarks}</div>")
                $"<h2>{heading}</h2>" + String.Join("\n", items))
        let parameters =
            match docs.TryGetValue(typeId t) with
            | true, e when e.Elements(XName.Get "param").Any() && not (t.GetProperties() |> Array.exists (fun p -> e.Elements(XName.Get "param") |> Seq.exists (fun q -> q.Attribute(XName.Get "name").Value = p.Name))) ->
                parameterList pageOf e
            | _ -> ""
        let baseType =
            match t.BaseType with
            | null -> ""
            | b when b = typeof<obj> || b = typeof<ValueType> || b = typeof<Enum> -> ""
            | b ->
                let shown = encode (displayName b)
                match pages.TryGetValue(typeId (if b.IsGenericType then b.GetGenericTypeDefinition() else b)) with
                | true, p -> $" : <a href=\"{p}\">{shown}</a>"
                | _ -> $" : {shown}"
        let remarks = docHtml (typeId t) "remarks"
        save (typePage t)
            (page $"{displayName t} — NeuroDyn API" $"<a href=\"{namespacePage t.Namespace}\">{t.Namespace}</a>"
                ($"<h1>{encode (displayName t)}</h1><p><code>{kindOf t} {encode (t.FullName.Replace('+', '.'))}</code>{baseType}</p>"
                 + $"<div>{summaryOf t}</div>{parameters}" + (if remarks = "" then "" else $"<div class=\"remarks\">{remarks}</div>") + String.Join("\n", members)))
    let typeList (ts: Type[]) =
        "<ul>" + String.Join("", ts |> Array.map (fun t -> $"<li><a href=\"{typePage t}\"><code>{encode (displayName t)}</code></a> — {summaryOf t}</li>")) + "</ul>"
    for ns, ts in namespaces do
        save (namespacePage ns) (page $"{ns} — NeuroDyn API" "" ($"<h1>Namespace {ns}</h1>" + typeList ts))
    let index =
        namespaces |> Array.map (fun (ns, ts) -> $"<h2><a href=\"{namespacePage ns}\">{ns}</a></h2>" + typeList ts)
    save "index.html"
        (page "NeuroDyn API reference" ""
            ("<h1>NeuroDyn API reference</h1><p>Every public type of <code>NeuroDyn.Core</code>, from its XML documentation comments, by namespace.</p>"
             + String.Join("\n", index)))
    let names = types |> Array.filter (fun t -> not t.IsNested) |> Array.map (fun t -> t.Name.Split('`').[0], typePage t) |> List.ofArray
    AtomicFile.WriteAllText(Path.Combine(folder, "types.tsv"), String.Join("\n", names |> List.map (fun (n, p) -> n + "\t" + p)) + "\n")
    { Pages = count; Types = names }
