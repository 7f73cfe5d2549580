using System.Buffers.Binary;
using System.Text;

namespace AttentionLens.Checkpoints;

/// <summary>
/// A pickle reader that executes nothing. It interprets the opcodes a <c>torch.save</c> of a state
/// dict uses (protocol 2, plus the protocol-4 forms STACK_GLOBAL/MEMOIZE/FRAME) as pure data:
/// GLOBAL/STACK_GLOBAL only name a <see cref="PickleGlobal"/>, which must be in the caller's
/// allow-list the moment it is named; REDUCE, BUILD and persistent ids are handed to the caller's
/// callbacks, which build plain records. Any other global or opcode (INST, OBJ, NEWOBJ, EXT…) is
/// refused. Reference: Python's <c>Lib/pickletools.py</c> opcode table.
/// </summary>
public sealed class RestrictedUnpickler
{
    private readonly byte[] _data;
    private readonly string _path;
    private readonly IReadOnlySet<string> _allowedGlobals;
    private readonly Func<PickleGlobal, object?[], object?> _reduce;
    private readonly Func<object?, object?> _persistentLoad;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _position;

    /// <param name="data">The pickle bytes.</param>
    /// <param name="path">Named in errors.</param>
    /// <param name="allowedGlobals">"module.name" strings that may be named.</param>
    /// <param name="reduce">Builds the value of REDUCE (an allowed global applied to an argument tuple).</param>
    /// <param name="persistentLoad">Resolves BINPERSID ids (torch's storage tuples).</param>
    public RestrictedUnpickler(byte[] data, string path, IReadOnlySet<string> allowedGlobals,
        Func<PickleGlobal, object?[], object?> reduce, Func<object?, object?> persistentLoad)
    {
        _data = data;
        _path = path;
        _allowedGlobals = allowedGlobals;
        _reduce = reduce;
        _persistentLoad = persistentLoad;
    }

    public object? Load()
    {
        while (true)
        {
            int at = _position;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: ReadByte(); break;                                   // PROTO
                case 0x95: ReadBytes(8); break;                                 // FRAME
                case (byte)'.': return _stack.Count == 1 ? Pop() : Fail(at, "STOP with an unbalanced stack");
                case (byte)'(': _marks.Push(_stack.Count); break;               // MARK
                case (byte)'}': Push(new PickleDict()); break;                  // EMPTY_DICT
                case (byte)']': Push(new List<object?>()); break;               // EMPTY_LIST
                case (byte)')': Push(Array.Empty<object?>()); break;            // EMPTY_TUPLE
                case (byte)'t': Push(PopMark(at).ToArray()); break;             // TUPLE
                case 0x85: { var a = Pop(); Push(new[] { a }); break; }         // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }
                case (byte)'l': Push(PopMark(at)); break;                       // LIST
                case (byte)'d': Push(ToDict(PopMark(at), at)); break;           // DICT
                case (byte)'a': { var v = Pop(); AsList(Top(at), at).Add(v); break; }
                case (byte)'e': { var items = PopMark(at); AsList(Top(at), at).AddRange(items); break; }
                case (byte)'s': { var v = Pop(); var k = Pop(); AsDict(Top(at), at).Entries.Add(new(k, v)); break; }
                case (byte)'u': { var items = PopMark(at); AsDict(Top(at), at).Entries.AddRange(ToDict(items, at).Entries); break; }
                case (byte)'q': _memo[ReadByte()] = Top(at); break;             // BINPUT
                case (byte)'r': _memo[ReadUInt32()] = Top(at); break;           // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Top(at); break;                 // MEMOIZE
                case (byte)'h': Push(Memo(ReadByte(), at)); break;              // BINGET
                case (byte)'j': Push(Memo(ReadUInt32(), at)); break;            // LONG_BINGET
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;
                case (byte)'K': Push((long)ReadByte()); break;                  // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break;
                case 0x8a: Push(ReadLong1(at)); break;                          // LONG1
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break;
                case (byte)'X': Push(ReadUtf8(ReadUInt32())); break;            // BINUNICODE
                case 0x8c: Push(ReadUtf8(ReadByte())); break;                   // SHORT_BINUNICODE
                case (byte)'U': Push(Encoding.Latin1.GetString(ReadBytes(ReadByte()))); break; // SHORT_BINSTRING
                case (byte)'T': Push(Encoding.Latin1.GetString(ReadBytes(ReadUInt32()))); break;
                case (byte)'c': Push(Global(ReadLine(), ReadLine(), at)); break;
                case 0x93:                                                      // STACK_GLOBAL
                {
                    var name = Pop() as string ?? Fail<string>(at, "STACK_GLOBAL name is not a string");
                    var module = Pop() as string ?? Fail<string>(at, "STACK_GLOBAL module is not a string");
                    Push(Global(module, name, at));
                    break;
                }
                case (byte)'R':                                                 // REDUCE
                {
                    var args = Pop() as object?[] ?? Fail<object?[]>(at, "REDUCE arguments are not a tuple");
                    var callable = Pop() as PickleGlobal ?? Fail<PickleGlobal>(at, "REDUCE of something that is not an allowed global");
                    Push(_reduce(callable, args));
                    break;
                }
                case (byte)'b':                                                 // BUILD: state of a dict subclass (torch's _metadata)
                {
                    Pop();
                    if (Top(at) is not PickleDict) Fail(at, "BUILD on an object that is not a dict");
                    break;
                }
                case (byte)'Q': Push(_persistentLoad(Pop())); break;            // BINPERSID
                case (byte)'0': Pop(); break;                                   // POP
                case (byte)'1': PopMark(at); break;                             // POP_MARK
                case (byte)'2': Push(Top(at)); break;                           // DUP
                default:
                    return Fail(at, $"opcode 0x{op:x2} ('{(char)op}') is not allowed (only the data opcodes of a torch state dict are)");
            }
        }
    }

    private PickleGlobal Global(string module, string name, int at)
    {
        var global = new PickleGlobal(module, name);
        if (!_allowedGlobals.Contains(global.FullName))
            throw new CheckpointException(_path, $"the pickle names the global '{global.FullName}' (at byte {at}), which is not a tensor-rebuild, storage or dict type; refused without executing anything. Convert the checkpoint to safetensors with a trusted tool.");
        return global;
    }

    private long ReadLong1(int at)
    {
        int n = ReadByte();
        if (n > 8) Fail(at, "LONG1 wider than 64 bits");
        var bytes = ReadBytes(n);
        long value = 0;
        for (int i = n - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        if (n is > 0 and < 8 && (bytes[n - 1] & 0x80) != 0) value -= 1L << (8 * n);
        return value;
    }

    private PickleDict ToDict(List<object?> items, int at)
    {
        if (items.Count % 2 != 0) Fail(at, "odd number of items for a dict");
        var dict = new PickleDict();
        for (int i = 0; i < items.Count; i += 2) dict.Entries.Add(new(items[i], items[i + 1]));
        return dict;
    }

    private List<object?> AsList(object? value, int at) => value as List<object?> ?? Fail<List<object?>>(at, "APPEND to something that is not a list");

    private PickleDict AsDict(object? value, int at) => value as PickleDict ?? Fail<PickleDict>(at, "SETITEM on something that is not a dict");

    private object? Memo(long key, int at) => _memo.TryGetValue(key, out var v) ? v : Fail(at, $"memo key {key} read before it was written");

    private List<object?> PopMark(int at)
    {
        if (_marks.Count == 0) Fail(at, "no MARK on the stack");
        int start = _marks.Pop();
        var items = _stack.GetRange(start, _stack.Count - start);
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private void Push(object? value) => _stack.Add(value);

    private object? Top(int at) => _stack.Count > 0 ? _stack[^1] : Fail(at, "empty stack");

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks.Peek() >= _stack.Count)) Fail(_position, "stack underflow");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private byte ReadByte() => ReadBytes(1)[0];

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    private string ReadUtf8(long length) => Encoding.UTF8.GetString(ReadBytes(length));

    /// <summary>The next <paramref name="count"/> bytes; a length field larger than what is left
    /// (up to 2³²−1 for BINUNICODE) is a truncated or forged pickle, refused before any allocation.</summary>
    private ReadOnlySpan<byte> ReadBytes(long count)
    {
        if (count < 0 || count > _data.Length - _position)
            Fail(_position, "unexpected end of the pickle (truncated file)");
        var span = _data.AsSpan(_position, (int)count);
        _position += (int)count;
        return span;
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _position);
        if (end < 0) Fail(_position, "unterminated GLOBAL name");
        var text = Encoding.ASCII.GetString(_data, _position, end - _position);
        _position = end + 1;
        return text;
    }

    private object? Fail(int at, string fault) => Fail<object?>(at, fault);

    private T Fail<T>(int at, string fault) =>
        throw new CheckpointException(_path, $"malformed pickle at byte {at}: {fault}.");
}
