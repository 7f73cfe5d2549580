#!/usr/bin/env bash
# Tokenizer throughput (single-threaded, MB of UTF-8 input per second) for gpt2, bert-base-uncased
# and stories260K's tok512 (its tokenizer.json and its SentencePiece tok512.model) on a generated
# English text of about 6 MB: the 34 golden sentences repeated between synthesized English-like lines.
# Beside ours, the same run measures Microsoft.ML.Tokenizers 3.0.0 on the same lines, interleaved
# (gpt2: its tiktoken engine; roberta: its BpeTokenizer; bert: its BertTokenizer): "ours/lib" is
# library time / our time (above 1: ours is faster); "lines≠" counts lines whose ids differ
# (the library's known differences, pinned in MlTokenizersDifferentialTests). Prints the table
# beside the published figure of Hugging Face's Rust `tokenizers`.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${ATTENTION_LENS_SHARED:-../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build server -c Release -v q -nologo >/dev/null
exe=(dotnet server/bin/Release/net10.0/attention-lens.dll)

# The golden sentences (one JSON string per line in sentences.json), unescaped enough for a corpus.
sed -n 's/^ *"\(.*\)",\{0,1\}$/\1/p' "$shared/golden/tokenizers/sentences.json" |
  sed 's/\\"/"/g; s/\\t/\t/g; s/\\n/ /g; s/\\r//g' >"$work/sentences.txt"

awk -v target="${BENCH_TOKENIZE_BYTES:-6000000}" 'BEGIN { srand(7) }
  NR == FNR { golden[n++] = $0; next }
  END {
    split("the of and to a in that it was he for on are as with his they at be this from have or by one had not but what all were when we there can an your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time could no make than first been its who now people my made over did down only way find use may water long little very after words called just where most know attention transformer tokenization language model weights don'"'"'t it'"'"'s they'"'"'re Lily'"'"'s information government understanding extraordinary", w, " ")
    nw = length(w); bytes = 0; line = 0
    while (bytes < target) {
      if (line % 20 == 0) { s = golden[line / 20 % n] }
      else {
        s = ""; k = 6 + int(rand() * 14)
        for (i = 0; i < k; i++) {
          t = w[1 + int(rand() * nw)]
          if (i == 0) t = toupper(substr(t, 1, 1)) substr(t, 2)
          if (rand() < 0.025) t = int(rand() * 100000)
          s = s (i ? (rand() < 0.08 ? ", " : " ") : "") t
        }
        s = s (rand() < 0.15 ? "?" : ".")
      }
      print s; bytes += length(s) + 1; line++
    }
  }' "$work/sentences.txt" /dev/null >"$work/corpus.txt"
size=$(wc -c <"$work/corpus.txt")
echo "corpus: $size bytes, $(wc -l <"$work/corpus.txt") lines; machine: $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"

printf '%-20s %10s %10s %12s %10s %10s %10s %13s %9s\n' tokenizer "ours MB/s" "MB/CPU-s" "library MB/s" "MB/CPU-s" "ours/lib" "(CPU)" "lines≠ (ids)" tokens
for t in gpt2 bert-base-uncased roberta-base stories260K-tok512 stories260K-tok512/tok512.model; do
  line=$("${exe[@]}" bench tokenize --tokenizer "$shared/golden/tokenizers/$t" --file "$work/corpus.txt" --rounds "${BENCH_TOKENIZE_ROUNDS:-5}")
  get() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$line"; }
  printf '%-20s %10s %10s %12s %10s %10s %10s %13s %9s\n' "$(basename "$t")" "$(get mb_per_s)" "$(get mb_per_cpu_s)" \
    "$(get library_mb_per_s)" "$(get library_mb_per_cpu_s)" "$(get ratio)" "$(get cpu_ratio)" "$(get lines_with_different_ids)" "$(get tokens)"
done
cat <<'NOTE'

Reference (published, approximate): Hugging Face tokenizers' README (github.com/huggingface/tokenizers)
states it "takes less than 20 seconds to tokenize a GB of text on a server's CPU", i.e. of the order
of 50 MB/s or more, with its multi-threaded batch encoding on a many-core server; it publishes no
single-thread figure. Ours are one thread. "MB/CPU-s" divides by the process CPU time (this thread
plus GC/JIT threads), the fairer figure on a shared, loaded machine; "MB/s wall" is elapsed time.
NOTE
