import { render } from 'preact';
import { BookApp } from './book-app';
import '../styles.css';
import './book.css';

const root = document.getElementById('root');
if (root) {
  root.replaceChildren();
  render(<BookApp />, root);
}
