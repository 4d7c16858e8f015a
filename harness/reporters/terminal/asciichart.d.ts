// asciichart ships no types; this covers the part seep calls.
declare module 'asciichart' {
  interface PlotConfig {
    min?: number;
    max?: number;
    offset?: number;
    padding?: string;
    height?: number;
    colors?: (string | undefined)[];
    symbols?: string[];
    format?: (x: number, i: number) => string;
  }
  const asciichart: {
    plot(series: number[] | number[][], cfg?: PlotConfig): string;
    red: string;
    green: string;
    yellow: string;
    blue: string;
    darkgray: string;
    reset: string;
  };
  export default asciichart;
}
