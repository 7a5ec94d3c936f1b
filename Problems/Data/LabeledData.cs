using System.Buffers.Binary;
using System.IO.Compression;

namespace Optima.Problems.Data;

/// <summary>
/// A classification data set in memory: <see cref="Count"/> samples of <see cref="FeatureCount"/> features stored
/// sample after sample (so a batch gathered from it is a column-major FeatureCount × b matrix), and a label in
/// [0, <see cref="Classes"/>) per sample.
/// </summary>
public sealed class LabeledData
{
    /// <summary>Wraps the arrays (not copied).</summary>
    /// <exception cref="ArgumentException">Sizes disagree or a label is out of range.</exception>
    public LabeledData(double[] features, int featureCount, int[] labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (featureCount < 1) throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "featureCount must be at least 1.");
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "A classification needs at least 2 classes.");
        if (labels.Length == 0) throw new ArgumentException("The data set is empty.", nameof(labels));
        if ((long)labels.Length * featureCount != features.Length)
            throw new ArgumentException($"{labels.Length} samples of {featureCount} features need {(long)labels.Length * featureCount} values, not {features.Length}.", nameof(features));
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentException($"Label {labels[i]} of sample {i} is outside [0, {classes}).", nameof(labels));
        Features = features;
        FeatureCount = featureCount;
        Labels = labels;
        Classes = classes;
    }

    /// <summary>Sample-major features, Count × FeatureCount.</summary>
    public double[] Features { get; }

    /// <summary>Features per sample.</summary>
    public int FeatureCount { get; }

    /// <summary>Labels in [0, <see cref="Classes"/>).</summary>
    public int[] Labels { get; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>The features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<double> Sample(int index) => Features.AsSpan(index * FeatureCount, FeatureCount);

    /// <summary>A copy of the samples [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
    public LabeledData Slice(int start, int count)
    {
        if (start < 0 || count < 1 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"[{start}, {start + count}) is not inside [0, {Count}).");
        return new LabeledData(Features.AsSpan(start * FeatureCount, count * FeatureCount).ToArray(), FeatureCount,
            Labels.AsSpan(start, count).ToArray(), Classes);
    }
}

/// <summary>
/// Reader for the IDX format of LeCun's MNIST files (and Fashion-MNIST): a magic number whose third byte is the
/// element type (0x08 = unsigned byte) and fourth the number of dimensions, big-endian 32-bit dimension sizes, then
/// the data. Files compressed with gzip (magic 1f 8b) are decompressed on the fly.
/// </summary>
public static class Idx
{
    /// <summary>Reads an unsigned-byte IDX file, or only its first <paramref name="maxItems"/> items (entries of the first dimension).</summary>
    /// <returns>The declared dimension sizes and the data read, in row-major order.</returns>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not an unsigned-byte IDX file, or truncated.</exception>
    public static (int[] Dimensions, byte[] Data) ReadBytes(string path, int maxItems = int.MaxValue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path)) throw new FileNotFoundException($"'{path}' is a directory, not an IDX file.", path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No IDX file at '{path}'.", path);
        using var file = File.OpenRead(path);
        int b0 = file.ReadByte(), b1 = file.ReadByte();
        file.Position = 0;
        bool gzip = b0 == 0x1f && b1 == 0x8b;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        return Read(stream, gzip ? -1 : file.Length, path, maxItems);
    }

    /// <summary>
    /// Reads an unsigned-byte IDX stream; <paramref name="length"/> is its length in bytes when known (-1 for a
    /// decompressing stream), <paramref name="name"/> labels messages. The dimensions are checked against the
    /// length before the data are allocated; without a length the buffer grows with the bytes actually read.
    /// Only the first <paramref name="maxItems"/> items are read (a compressed file is decompressed no further); the
    /// dimensions returned are the declared ones.
    /// </summary>
    /// <exception cref="InvalidDataException">Not an unsigned-byte IDX stream, too large, or truncated.</exception>
    public static (int[] Dimensions, byte[] Data) Read(Stream stream, long length, string name, int maxItems = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxItems);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        Span<byte> header = stackalloc byte[4];
        ReadExactly(stream, header, name);
        if (header[0] != 0 || header[1] != 0) throw new InvalidDataException($"'{name}' is not an IDX file (bad magic number).");
        if (header[2] != 0x08) throw new InvalidDataException($"'{name}' holds IDX element type 0x{header[2]:x2}; only unsigned bytes (0x08) are supported.");
        int rank = header[3];
        if (rank < 1 || rank > 4) throw new InvalidDataException($"'{name}' declares {rank} dimensions; 1 to 4 are supported.");
        var dims = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++)
        {
            ReadExactly(stream, header, name);
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(header);
            if (dims[i] < 0) throw new InvalidDataException($"'{name}' declares a negative dimension ({dims[i]}).");
            total *= dims[i]; // total ≤ Array.MaxLength before, dims[i] < 2³¹: no overflow
            if (total > Array.MaxLength)
                throw new InvalidDataException($"'{name}' declares {string.Join(" × ", dims[..(i + 1)])} bytes, more than an array holds.");
        }
        long available = length < 0 ? -1 : length - 4L * (rank + 1);
        if (available >= 0 && total > available)
            throw new InvalidDataException($"'{name}' is truncated: its dimensions {string.Join(" × ", dims)} need {total} bytes of data but it has {available}.");
        if (maxItems < dims[0]) total = total / dims[0] * maxItems; // the first maxItems items only
        if (available >= 0)
        {
            var data = new byte[total];
            ReadExactly(stream, data, name);
            return (dims, data);
        }
        // Unknown length (gzip): grow with what arrives, so a small file declaring a huge size costs little.
        var buffer = new byte[Math.Min(total, 1 << 20)];
        int filled = 0;
        while (filled < total)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(total, 2L * buffer.Length));
            int got;
            try { got = stream.Read(buffer, filled, buffer.Length - filled); }
            catch (InvalidDataException e) { throw new InvalidDataException($"'{name}' is not valid gzip data: {e.Message}", e); }
            if (got == 0) throw new InvalidDataException($"'{name}' is truncated: its dimensions {string.Join(" × ", dims)} need {total} bytes of data but it has {filled}.");
            filled += got;
        }
        return (dims, buffer);
    }

    private static void ReadExactly(Stream s, Span<byte> buffer, string path)
    {
        try { s.ReadExactly(buffer); }
        catch (EndOfStreamException e) { throw new InvalidDataException($"'{path}' is truncated.", e); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not valid gzip data: {e.Message}", e); }
    }
}

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 60 000 training and 10 000 test images of 28 × 28 grey pixels in
/// 10 clothing classes, read from Debian's <c>dataset-fashion-mnist</c> package (IDX files under
/// <see cref="DefaultDirectory"/>). Pixels are scaled to [0, 1].
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's package installs the files: /usr/share/datasets/fashion-mnist.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The command that installs the data set.</summary>
    public const string InstallHint = "sudo apt-get install -y dataset-fashion-mnist";

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>True when all four files are present in <paramref name="directory"/>.</summary>
    public static bool IsAvailable(string directory = DefaultDirectory) =>
        Files(directory).All(f => File.Exists(f) || File.Exists(f[..^3]));

    /// <summary>Loads the training and test sets (optionally only the first <paramref name="maxTrain"/>/<paramref name="maxTest"/> samples).</summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message says how to install the package.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or the sets disagree in size.</exception>
    public static (LabeledData Train, LabeledData Test) Load(string directory = DefaultDirectory, int maxTrain = int.MaxValue, int maxTest = int.MaxValue)
    {
        var f = Files(directory);
        foreach (var path in f)
            if (!File.Exists(path) && !File.Exists(path[..^3]))
                throw new FileNotFoundException($"Fashion-MNIST file '{path}' not found. Install the data set with: {InstallHint}", path);
        return (Read(f[0], f[1], maxTrain), Read(f[2], f[3], maxTest));
    }

    private static string[] Files(string directory) =>
    [
        Path.Combine(directory, "train-images-idx3-ubyte.gz"), Path.Combine(directory, "train-labels-idx1-ubyte.gz"),
        Path.Combine(directory, "t10k-images-idx3-ubyte.gz"), Path.Combine(directory, "t10k-labels-idx1-ubyte.gz"),
    ];

    private static LabeledData Read(string images, string labels, int max)
    {
        // Only the samples asked for are decompressed (the whole training set takes seconds).
        int wanted = Math.Max(1, max);
        var (idims, pixels) = Idx.ReadBytes(File.Exists(images) ? images : images[..^3], wanted);
        var (ldims, lab) = Idx.ReadBytes(File.Exists(labels) ? labels : labels[..^3], wanted);
        if (idims.Length != 3 || ldims.Length != 1 || idims[0] != ldims[0])
            throw new InvalidDataException($"'{images}' and '{labels}' do not describe the same number of images.");
        if (idims[0] == 0) throw new InvalidDataException($"'{images}' holds no images.");
        int n = Math.Min(idims[0], Math.Max(1, max)), d = idims[1] * idims[2]; // ≤ the data's length: no overflow
        if (d == 0) throw new InvalidDataException($"'{images}' holds images of {idims[1]} × {idims[2]} pixels.");
        for (int i = 0; i < n; i++)
            if (lab[i] >= 10) throw new InvalidDataException($"'{labels}': label {lab[i]} of image {i + 1} is outside 0–9.");
        var x = new double[(long)n * d];
        for (long i = 0; i < x.Length; i++) x[i] = pixels[i] * (1.0 / 255.0);
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = lab[i];
        return new LabeledData(x, d, y, 10);
    }
}
