using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NetSim.SockOps.Programs;

/// <summary>
/// Compiles a sock_ops program from a C# source file at run time (Roslyn), the way a researcher
/// loads a BPF object: the file holds one non-abstract class deriving from
/// <see cref="SockOpsProgram"/>, with a public constructor that takes nothing or the scenario's
/// <c>params</c> as a read-only dictionary. The kernel's names come in as global usings
/// (<c>NetSim.SockOps</c>, <c>NetSim.SockOps.Maps</c>, <c>static NetSim.SockOps.Linux</c>, <c>NetSim.Tcp.Hooks</c>), so a
/// C program ports line by line. Compilation is deterministic and optimised (as a BPF object is
/// built with clang -O2); errors carry file, line and column.
/// </summary>
public static class SourceProgramCompiler
{
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using NetSim.SockOps;
        global using NetSim.SockOps.Maps;
        global using NetSim.Tcp.Hooks;
        global using static NetSim.SockOps.Linux;
        """;

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(LoadReferences);

    /// <summary>Assemblies already built, by file and source text: a sweep's runs share one compilation and get fresh program objects.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Path, string Source), Lazy<Assembly>> Compiled = new();

    public static SockOpsProgram Compile(string path, IReadOnlyDictionary<string, string> parameters)
    {
        // An ahead-of-time compiled build (the native benchmark runner) cannot load code made at run
        // time; the check also lets its compiler leave Roslyn and the reflection below out.
        if (!RuntimeFeature.IsDynamicCodeSupported)
        {
            throw new ProgramCompileException(path, 1, 1, "a C# program is compiled and loaded at run time, which this ahead-of-time compiled build cannot do: run the scenario with netsim itself, whose JIT can");
        }

        var source = File.ReadAllText(path);
        var assembly = Compiled.GetOrAdd((Path.GetFullPath(path), source), key => new Lazy<Assembly>(() => Build(path, key.Source))).Value;
        return Instantiate(path, assembly, parameters);
    }

    private static Assembly Build(string path, string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest), path);
        var compilation = CSharpCompilation.Create(
            "sockops-" + Path.GetFileNameWithoutExtension(path),
            [tree, CSharpSyntaxTree.ParseText(GlobalUsings, path: "<global usings>")],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, deterministic: true, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var error = emitted.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .FirstOrDefault();
        if (error is not null)
        {
            var at = error.Location.GetLineSpan().StartLinePosition;
            throw new ProgramCompileException(path, at.Line + 1, at.Character + 1, $"{error.Id}: {error.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        image.Position = 0;
        return new AssemblyLoadContext("sockops:" + path, isCollectible: false).LoadFromStream(image);
    }

    private static SockOpsProgram Instantiate(string path, Assembly assembly, IReadOnlyDictionary<string, string> parameters)
    {
        var types = assembly.GetTypes().Where(t => !t.IsAbstract && typeof(SockOpsProgram).IsAssignableFrom(t)).ToList();
        if (types.Count != 1)
        {
            throw new ProgramCompileException(path, 1, 1, types.Count == 0
                ? "no class derives from SockOpsProgram"
                : $"{types.Count} classes derive from SockOpsProgram ({string.Join(", ", types.Select(t => t.Name))}); a file holds one program");
        }

        var type = types[0];
        var withParameters = type.GetConstructor([typeof(IReadOnlyDictionary<string, string>)]);
        var plain = type.GetConstructor(Type.EmptyTypes);
        if (withParameters is null && plain is null)
        {
            throw new ProgramCompileException(path, 1, 1, $"{type.Name} needs a public constructor taking nothing or IReadOnlyDictionary<string, string>");
        }

        if (withParameters is null && parameters.Count > 0)
        {
            throw new ProgramCompileException(path, 1, 1, $"{type.Name} takes no params (give it a constructor taking IReadOnlyDictionary<string, string>)");
        }

        try
        {
            return (SockOpsProgram)(withParameters is not null ? withParameters.Invoke([parameters]) : plain!.Invoke([]));
        }
        catch (TargetInvocationException ex) when (ex.InnerException is { } inner)
        {
            throw new ProgramCompileException(path, 1, 1, $"{type.Name}'s constructor failed: {inner.GetType().Name}: {inner.Message}");
        }
    }

    /// <summary>The framework's assemblies and NetSim's own, for the program to compile against.</summary>
    private static IReadOnlyList<MetadataReference> LoadReferences()
    {
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var own = new[] { typeof(SockOpsProgram).Assembly.Location, typeof(Tcp.TcpConnection).Assembly.Location, typeof(Sim.Kernel.SimTime).Assembly.Location };
        return [.. trusted.Concat(own).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(p => MetadataReference.CreateFromFile(p))];
    }
}
