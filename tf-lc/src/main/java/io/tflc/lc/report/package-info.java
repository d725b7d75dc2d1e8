/** LC reports: JSON, Markdown table and PNG chart. */
package io.tflc.lc.report;
