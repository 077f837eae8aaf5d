/** The part of asciichart 1.5 the console uses (the package ships no types). */
declare module 'asciichart' {
  interface PlotConfig {
    height?: number;
    min?: number;
    max?: number;
    offset?: number;
    padding?: string;
    format?: (value: number, index: number) => string;
    colors?: string[];
  }
  const asciichart: {
    plot(series: number[] | number[][], config?: PlotConfig): string;
  };
  export default asciichart;
}
