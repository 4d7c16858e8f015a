// A name made safe as a file or folder name: lowercase letters and digits joined by single dashes,
// cut to `max` characters, never starting or ending with a dash; 'scenario' when nothing is left.
// One definition for the sample stream's file, the snapshots' folder and seep init's scenario file.
export function fileSlug(text: string, max: number): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, max).replace(/^-+|-+$/g, '') || 'scenario';
}
