import { Box, Fragment, Table } from '#ui-vendor';

type Scalar = string | number | boolean | null | undefined;

/**
 * ink-table's table with one rule under the heading instead of one between every row, so
 * seven functions take nine rows, not sixteen, on an 80x24 terminal.
 */
export class CompactTable<T extends Record<string, Scalar>> extends Table<T> {
  override render() {
    const columns = this.getColumns();
    return (
      <Box flexDirection="column">
        {this.header({ key: 'header', columns, data: {} })}
        {this.heading({ key: 'heading', columns, data: this.getHeadings() })}
        {this.separator({ key: 'separator', columns, data: {} })}
        {this.props.data.map((row, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
          <Fragment key={index}>{this.data({ key: `row-${index}`, columns, data: row })}</Fragment>
        ))}
        {this.footer({ key: 'footer', columns, data: {} })}
      </Box>
    );
  }
}
