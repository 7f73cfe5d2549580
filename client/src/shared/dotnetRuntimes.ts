// Reading `dotnet --list-runtimes` to tell whether the .NET 10 runtime the server needs is installed.
// Each line looks like "Microsoft.NETCore.App 10.0.12 [/usr/share/dotnet/shared/Microsoft.NETCore.App]".

export const requiredMajor = 10;

export interface Runtime { name: string; version: string; major: number }

export function parseRuntimes(output: string): Runtime[] {
  const runtimes: Runtime[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^\s*(\S+)\s+(\d+)\.(\d+)\.(\S+)\s+\[/.exec(line);
    if (m) runtimes.push({ name: m[1] as string, version: `${m[2]}.${m[3]}.${m[4]}`, major: Number(m[2]) });
  }
  return runtimes;
}

/** True when a Microsoft.NETCore.App runtime of the required major version (or later) is present. */
export function hasRequiredRuntime(runtimes: readonly Runtime[], major = requiredMajor): boolean {
  return runtimes.some((r) => r.name === 'Microsoft.NETCore.App' && r.major >= major);
}

export const dotnetInstallUrl = 'https://dotnet.microsoft.com/download/dotnet/10.0';

export function missingRuntimeMessage(found: readonly Runtime[]): string {
  const core = found.filter((r) => r.name === 'Microsoft.NETCore.App').map((r) => r.version);
  const have = core.length > 0 ? `Found .NET runtime ${core.join(', ')}.` : 'No .NET runtime was found.';
  return `Attention Lens needs the .NET ${requiredMajor} runtime (Microsoft.NETCore.App ${requiredMajor}.x). ${have} ` +
    `Install the .NET ${requiredMajor} runtime (or SDK) and restart, or set attentionLens.dotnetPath to a dotnet that has it.`;
}
