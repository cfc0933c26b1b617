using System.Buffers.Binary;
using System.Text;

namespace NeuroDyn.Torch;

/// <summary>Reads and relaxes the version requirements (".gnu.version_r") of a 64-bit little-endian ELF shared library.</summary>
/// <remarks>
/// A library built against a newer libstdc++ lists e.g. GLIBCXX_3.4.32 as a needed version, and the dynamic loader
/// refuses it on a system whose libstdc++ stops earlier, even when no symbol of that version is ever called.
/// Setting VER_FLG_WEAK on that one requirement turns the refusal into a warning-free load.
/// </remarks>
public static class ElfVersionNeed
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlagWeak = 0x2;

    /// <summary>One needed version: the library that must provide it, its name, and whether it is weak.</summary>
    public sealed record Requirement(string File, string Version, bool Weak, int FlagsOffset);

    /// <summary>All version requirements of an ELF image.</summary>
    public static IReadOnlyList<Requirement> Read(byte[] image)
    {
        var span = image.AsSpan();
        if (span.Length < 64 || span[0] != 0x7f || span[1] != (byte)'E' || span[2] != (byte)'L' || span[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (span[4] != 2 || span[5] != 1)
            throw new InvalidDataException("only 64-bit little-endian ELF files are supported");
        ulong sectionTable = BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        int sectionSize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        (uint Type, ulong Offset, uint Link, uint Info) Section(int i)
        {
            var s = image.AsSpan((int)(sectionTable + (ulong)(i * sectionSize)));
            return (BinaryPrimitives.ReadUInt32LittleEndian(s[4..]), BinaryPrimitives.ReadUInt64LittleEndian(s[0x18..]),
                    BinaryPrimitives.ReadUInt32LittleEndian(s[0x28..]), BinaryPrimitives.ReadUInt32LittleEndian(s[0x2C..]));
        }
        var result = new List<Requirement>();
        for (int i = 0; i < sectionCount; i++)
        {
            var verneed = Section(i);
            if (verneed.Type != ShtGnuVerneed) continue;
            ulong strings = Section((int)verneed.Link).Offset;
            string Name(uint offset)
            {
                int start = (int)(strings + offset);
                int length = Array.IndexOf(image, (byte)0, start) - start;
                return Encoding.ASCII.GetString(image, start, length);
            }
            ulong entry = verneed.Offset;
            for (uint n = 0; n < verneed.Info; n++)
            {
                var e = span[(int)entry..];
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(e[2..]);
                string file = Name(BinaryPrimitives.ReadUInt32LittleEndian(e[4..]));
                ulong aux = entry + BinaryPrimitives.ReadUInt32LittleEndian(e[8..]);
                for (int k = 0; k < auxCount; k++)
                {
                    var a = span[(int)aux..];
                    ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(a[4..]);
                    string version = Name(BinaryPrimitives.ReadUInt32LittleEndian(a[8..]));
                    result.Add(new Requirement(file, version, (flags & VerFlagWeak) != 0, (int)aux + 4));
                    aux += BinaryPrimitives.ReadUInt32LittleEndian(a[12..]);
                }
                entry += BinaryPrimitives.ReadUInt32LittleEndian(e[12..]);
            }
        }
        return result;
    }

    /// <summary>Returns a copy of the image in which the named version requirement is marked weak (VER_FLG_WEAK).</summary>
    public static byte[] MakeWeak(byte[] image, string version)
    {
        var target = Read(image).FirstOrDefault(r => r.Version == version)
            ?? throw new InvalidDataException($"the library does not require {version}; nothing to relax");
        var copy = (byte[])image.Clone();
        var flags = copy.AsSpan(target.FlagsOffset, 2);
        BinaryPrimitives.WriteUInt16LittleEndian(flags, (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(flags) | VerFlagWeak));
        return copy;
    }
}
