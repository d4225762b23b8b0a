/** The slice of jStat's API the segmentation statistics use (the package ships no types). */
declare module 'jstat' {
  interface Distribution {
    cdf(x: number, ...params: number[]): number;
  }
  const jstat: { jStat: { normal: Distribution; studentt: Distribution } };
  export default jstat;
}
